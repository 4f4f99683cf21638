"""The fixed texts Crisisline sends, per language.

Short and neutral on purpose: a phone is often shared or looked at by others, so a text holds only a crisis
reference, its urgency, and a link or a reply code. Never a name, a phone number or a place. Each template
can carry the id it is registered under with India's DLT (settings.DLT_TEMPLATE_IDS); administrators see
every text's length and SMS segment count (templates page, `crisisline messaging templates`)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

# The GSM 03.38 basic alphabet and its extension (each extension character takes two places).
GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = set("^{}\\[~]|€\f")


def sms_units(text: str) -> tuple[str, int, int]:
    """(encoding, length in that encoding, segments). GSM-7: 160 a message, 153 a segment when split;
    Unicode (UCS-2, any Indian script): 70 a message, 67 a segment."""
    if all(ch in GSM_BASIC or ch in GSM_EXTENSION for ch in text):
        length = sum(2 if ch in GSM_EXTENSION else 1 for ch in text)
        single, part, encoding = 160, 153, "GSM-7"
    else:
        # UCS-2 counts UTF-16 code units: a character outside the basic plane takes two.
        length = len(text.encode("utf-16-le")) // 2
        single, part, encoding = 70, 67, "Unicode"
    if length <= single:
        return encoding, length, 1 if length else 0
    return encoding, length, -(-length // part)


@dataclass(frozen=True)
class Template:
    code: str
    purpose: str
    texts: dict[str, str]  # language -> text with {ref}, {urgency}, {link}, {code}, {count}


# {code} is the reference without its "C-", as typed in a reply: "1 7K3P".
TEMPLATES: dict[str, Template] = {
    t.code: t
    for t in (
        Template(
            "page",
            "A crisis for you to take: accept by link, by reply, or on the call.",
            {
                "en": "Crisisline {ref} {urgency}. Reply 1 {code} to go, 2 {code} if you cannot. {link}",
                "hi": "Crisisline {ref} {urgency}. जाने के लिए 1 {code}, न जा सकें तो 2 {code} भेजें। {link}",
                "kn": "Crisisline {ref} {urgency}. ಹೋಗಲು 1 {code}, ಆಗದಿದ್ದರೆ 2 {code} ಕಳುಹಿಸಿ. {link}",
                "ta": "Crisisline {ref} {urgency}. செல்ல 1 {code}, முடியாவிட்டால் 2 {code} அனுப்பவும். {link}",
                "te": "Crisisline {ref} {urgency}. వెళ్ళడానికి 1 {code}, వీలుకాకపోతే 2 {code} పంపండి. {link}",
                "mr": "Crisisline {ref} {urgency}. जाण्यासाठी 1 {code}, जमत नसल्यास 2 {code} पाठवा. {link}",
            },
        ),
        Template(
            "page_voice",
            "What a voice page says before it waits for a key.",
            {
                "en": "Crisisline. Crisis {ref}, {urgency}. Press 1 to go. Press 2 if you cannot go.",
                "hi": "Crisisline. संकट {ref}, {urgency}. जाने के लिए 1 दबाएँ। न जा सकें तो 2 दबाएँ।",
            },
        ),
        Template(
            "page_repeat",
            "The first step of an accepted crisis is overdue: the responder is paged again.",
            {
                "en": "Crisisline {ref}: first step overdue. Please act or reply 2 {code}. {link}",
                "hi": "Crisisline {ref}: पहला कदम देर से। कृपया करें या 2 {code} भेजें। {link}",
            },
        ),
        Template(
            "call_back",
            "A missed call or SMS on the helpline: the on-call call receiver calls back.",
            {
                "en": "Crisisline {ref}: missed call, please call back. Reply 1 {code} to take it. {link}",
                "hi": "Crisisline {ref}: मिस्ड कॉल, कृपया वापस कॉल करें। लेने के लिए 1 {code} भेजें। {link}",
            },
        ),
        Template(
            "accepted",
            "The answer to someone who accepted.",
            {
                "en": "Crisisline {ref}: it is yours. Thank you.",
                "hi": "Crisisline {ref}: यह आपका है। धन्यवाद।",
            },
        ),
        Template(
            "taken",
            "The answer to a late accept: someone else has it.",
            {
                "en": "Crisisline {ref}: already taken. No action needed.",
                "hi": "Crisisline {ref}: पहले ही लिया जा चुका है। कुछ करने की ज़रूरत नहीं।",
            },
        ),
        Template(
            "not_understood",
            "The answer to an SMS reply that was not understood.",
            {
                "en": "Crisisline: not understood. Reply 1 and the code to go, 2 and the code if you cannot.",
                "hi": "Crisisline: समझ नहीं आया। जाने के लिए 1 और कोड, न जा सकें तो 2 और कोड भेजें।",
            },
        ),
        Template(
            "cover_gap",
            "To a team lead: nobody is on call for a stretch ahead.",
            {
                "en": "Crisisline: nobody on call from {when} ({count} h). Please fix the rota. {link}",
                "hi": "Crisisline: {when} से कोई ऑन-कॉल नहीं ({count} घंटे)। कृपया रोस्टर ठीक करें। {link}",
            },
        ),
        Template(
            "unanswered",
            "To the team lead and administrators: a crisis nobody accepted, after every level and repeat.",
            {
                "en": "Crisisline ALERT {ref} {urgency}: nobody accepted. Act now. {link}",
                "hi": "Crisisline चेतावनी {ref} {urgency}: किसी ने नहीं लिया। अभी कार्रवाई करें। {link}",
            },
        ),
        Template(
            "alert",
            "To administrators: something in the system needs attention (late work, a failing provider).",
            {
                "en": "Crisisline ALERT: {count} item(s) were late and have been driven again. {link}",
                "hi": "Crisisline चेतावनी: {count} काम देर से थे, फिर से चलाए गए। {link}",
            },
        ),
        Template(
            "break_glass",
            "To a team lead: someone opened a crisis outside their scope (break-glass); please review.",
            {
                "en": "Crisisline {ref}: emergency access opened. Please review. {link}",
                "hi": "Crisisline {ref}: आपात पहुँच खोली गई। कृपया जाँचें। {link}",
            },
        ),
        Template(
            "test",
            "A test of a channel, sent from the channels page.",
            {
                "en": "Crisisline: test message. No action needed.",
                "hi": "Crisisline: परीक्षण संदेश। कुछ करने की ज़रूरत नहीं।",
            },
        ),
        Template(
            "reminder",
            "To the assigned responder: a follow-up is due.",
            {
                "en": "Crisisline {ref}: follow-up due. {link}",
                "hi": "Crisisline {ref}: फ़ॉलो-अप का समय। {link}",
            },
        ),
    )
}

URGENCY_WORDS = {
    "en": {"immediate": "DANGER NOW", "urgent": "urgent", "today": "today", "routine": "routine"},
    "hi": {"immediate": "अभी ख़तरा", "urgent": "तुरंत", "today": "आज", "routine": "सामान्य"},
}


def render(template_code: str, language: str, **values: object) -> tuple[str, str]:
    """(language used, text). Falls back to English where the template has no text in the language."""
    template = TEMPLATES[template_code]
    used = language if language in template.texts else "en"
    words = URGENCY_WORDS.get(used, URGENCY_WORDS["en"])
    if "urgency" in values:
        values["urgency"] = words.get(str(values["urgency"]), str(values["urgency"]))
    defaults = {"ref": "", "urgency": "", "link": "", "code": "", "count": "", "when": ""}
    text = template.texts[used].format(**(defaults | values))
    return used, " ".join(text.split())


def dlt_template_id(code: str, language: str) -> str:
    ids = settings.DLT_TEMPLATE_IDS
    return ids.get(f"{code}.{language}") or ids.get(code, "")


@dataclass(frozen=True)
class TemplateLength:
    code: str
    language: str
    text: str  # with example values of full length
    encoding: str
    length: int
    segments: int
    dlt_template_id: str


def template_lengths() -> list[TemplateLength]:
    """Every template in every language with the longest values it can carry (a 6-character reference, the
    longest urgency word, a link of the real length) and what that costs in SMS."""
    example_link = f"{settings.BASE_URL}/p/{'x' * 22}"
    rows = []
    for template in TEMPLATES.values():
        for language in template.texts:
            words = URGENCY_WORDS.get(language, URGENCY_WORDS["en"])
            longest = max(words, key=lambda key: len(words[key]))
            _used, text = render(
                template.code,
                language,
                ref="C-7K3PXY",
                urgency=longest,
                code="C7K3PXY",
                link=example_link,
                count=12,
                when="Mon 20:00",
            )
            encoding, length, segments = sms_units(text)
            rows.append(
                TemplateLength(
                    template.code,
                    language,
                    text,
                    encoding,
                    length,
                    segments,
                    dlt_template_id(template.code, language),
                )
            )
    return rows
