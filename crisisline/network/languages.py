"""Languages a team can work in (ISO 639 codes), named in their own script for the people who read them."""

TEAM_LANGUAGES: dict[str, str] = {
    "hi": "हिन्दी",
    "kn": "ಕನ್ನಡ",
    "ta": "தமிழ்",
    "te": "తెలుగు",
    "mr": "मराठी",
    "mni": "ꯃꯤꯇꯩꯂꯣꯟ",
    "bn": "বাংলা",
    "en": "English",
}
