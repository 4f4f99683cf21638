"""The console channel: the embedded default, so that `make run` shows pages flowing without any account.

Each message is printed on standard error (the address masked) and appended to `outbox.jsonl` in the data
directory, one line per message with its idempotency key and the moment it was handed over. The file is
the console's memory: `lookup` answers from it, so a worker killed between sending and recording does
not send again."""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from pathlib import Path

from django.conf import settings

from crisisline.lib.phones import masked
from crisisline.messaging.transport import OutboundMessage, Receipt

_lock = threading.Lock()


def outbox_path() -> Path:
    return Path(settings.MESSAGING_OUTBOX)


def _shown(message: OutboundMessage) -> str:
    if message.channel in ("sms", "voice") and message.to.startswith("+"):
        return masked(message.to)
    if message.channel == "email" and "@" in message.to:
        return "•••@" + message.to.rpartition("@")[2]
    return message.to  # a console address is a username


class ConsoleTransport:
    name = "console"
    channels = frozenset({"sms", "voice", "email", "console"})

    def send(self, message: OutboundMessage) -> Receipt:
        line = {
            "key": message.idempotency_key,
            "at": time.time(),
            "channel": message.channel,
            "template": message.template,
            "body": message.body,
            "pid": os.getpid(),
        }
        path = outbox_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        with _lock, path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        if settings.MESSAGING_CONSOLE_ECHO:
            print(f"[{message.channel} to {_shown(message)}] {message.body}", file=sys.stderr, flush=True)
        return Receipt(provider_message_id=f"console-{message.idempotency_key}", state="delivered")

    def lookup(self, idempotency_key: str) -> Receipt | None:
        path = outbox_path()
        if not path.exists():
            return None
        needle = json.dumps(idempotency_key)
        with path.open(encoding="utf-8") as handle:
            for text in handle:
                if needle in text and json.loads(text).get("key") == idempotency_key:
                    return Receipt(provider_message_id=f"console-{idempotency_key}", state="delivered")
        return None
