"""Realistic UI strings for the translation-memory bench (bench/tm_lookup.py).

Real memories mix short labels, template sentences that differ in one noun ("Are you sure you
want to delete this file?") and longer help texts, with a long-tailed vocabulary (product
and domain words). The generator gives that shape: a fifth from UI templates with slots, the
rest free sentences whose words follow a Zipf law over ~200 common UI words and 40,000 domain
words; placeholders in the usual dialects. Deterministic for a seed.
"""

from __future__ import annotations

import bisect
import itertools
import random


def _split(words: str) -> list[str]:
    return words.split()


COMMON = [
    "the",
    "a",
    "an",
    "to",
    "of",
    "and",
    "or",
    "for",
    "in",
    "on",
    "with",
    "your",
    "this",
    "that",
    "is",
    "are",
    "be",
    "you",
    "we",
    "it",
    "all",
    "new",
    "not",
    "no",
    "at",
    "by",
    "from",
    "as",
    "if",
    "can",
    "will",
    "has",
    "have",
    "been",
    "more",
    "than",
    "any",
    "each",
    "other",
    "one",
    "some",
    "here",
    "now",
    "please",
    "only",
    "also",
    "when",
    "after",
    "before",
]
VERBS = [
    "save",
    "delete",
    "remove",
    "add",
    "create",
    "edit",
    "update",
    "open",
    "close",
    "cancel",
    "confirm",
    "send",
    "share",
    "download",
    "upload",
    "export",
    "import",
    "copy",
    "move",
    "rename",
    "search",
    "filter",
    "sort",
    "select",
    "clear",
    "reset",
    "restore",
    "archive",
    "publish",
    "invite",
    "join",
    "leave",
    "sign",
    "log",
    "start",
    "stop",
    "pause",
    "resume",
    "retry",
    "refresh",
    "view",
    "show",
    "hide",
    "enable",
    "disable",
    "connect",
    "disconnect",
    "sync",
    "verify",
    "approve",
    "reject",
    "review",
    "assign",
    "translate",
    "change",
    "manage",
    "configure",
    "install",
    "print",
    "scan",
    "pay",
    "subscribe",
]
NOUNS = [
    "file",
    "folder",
    "project",
    "account",
    "user",
    "team",
    "member",
    "message",
    "comment",
    "item",
    "order",
    "payment",
    "invoice",
    "password",
    "email",
    "address",
    "name",
    "profile",
    "setting",
    "language",
    "key",
    "translation",
    "page",
    "document",
    "image",
    "photo",
    "video",
    "report",
    "task",
    "event",
    "notification",
    "session",
    "token",
    "workspace",
    "organization",
    "role",
    "permission",
    "subscription",
    "plan",
    "product",
    "cart",
    "checkout",
    "customer",
    "contact",
    "list",
    "tag",
    "label",
    "note",
    "draft",
    "template",
    "version",
    "branch",
    "history",
    "activity",
    "dashboard",
    "calendar",
    "meeting",
    "schedule",
    "reminder",
    "device",
    "network",
    "connection",
    "server",
    "database",
]
ADJECTIVES = [
    "new",
    "old",
    "selected",
    "current",
    "default",
    "recent",
    "active",
    "inactive",
    "pending",
    "failed",
    "successful",
    "invalid",
    "empty",
    "unsaved",
    "private",
    "public",
    "shared",
    "archived",
    "deleted",
    "required",
    "optional",
    "available",
    "unavailable",
    "expired",
    "verified",
]
TEMPLATES = (
    "{V} {n}",
    "{V} {a} {n}",
    "Are you sure you want to {v} this {n}?",
    "Are you sure you want to {v} {c} {ns}?",
    "{N} {pp}",
    "{N} could not be {pp}.",
    "Your {n} has been {pp}.",
    "No {ns} found",
    "{c} {ns} {pp}",
    "Failed to {v} the {n}. Please try again.",
    "You do not have permission to {v} this {n}.",
    "Click here to {v} your {n}",
    "The {n} {p} was {pp} by {p}.",
    "Hello {p}, you have {c} new {ns}.",
    "Search {ns}…",
    "Last {pp} {p}",
    "We sent a {n} to {p}. {V} it to continue.",
    "{c} of {c} {ns} {pp}",
    "Drag and drop {ns} here or click to {v}",
    "Upgrade to {w} Pro to {v} more {ns}.",
)
PLACEHOLDERS = ("{count}", "{name}", "{user}", "%s", "%d", "{{count}}", "%(name)s", "{0}", "%1$s", "{email}")
_KINDS = (COMMON, VERBS, NOUNS, ADJECTIVES)
IRREGULAR = {"send": "sent", "stop": "stopped", "pay": "paid", "scan": "scanned", "log": "logged"}


def _past(verb: str) -> str:
    return IRREGULAR.get(verb, verb + ("d" if verb.endswith("e") else "ed"))


def _words(rng: random.Random, count: int) -> list[str]:
    consonants, vowels = "bcdfghjklmnprstvwz", "aeiouy"
    found: set[str] = set()
    while len(found) < count:
        syllables = rng.choice((1, 2, 2, 3, 3, 4))
        word = "".join(
            rng.choice(consonants) + rng.choice(vowels) + rng.choice(("", "", "n", "r", "s", "l"))
            for _ in range(syllables)
        )
        found.add(word)
    return sorted(found)


class Corpus:
    """`segment()` returns one UI string; `segments(n)` n distinct ones."""

    def __init__(self, seed: int = 7, domain_words: int = 40_000) -> None:
        self.rng = random.Random(seed)
        self.domain = _words(self.rng, domain_words)
        self.rng.shuffle(self.domain)
        weights = [1.0 / (rank + 1) ** 1.05 for rank in range(len(self.domain))]
        self.cumulative = list(itertools.accumulate(weights))

    def _domain_word(self) -> str:
        return self.domain[bisect.bisect(self.cumulative, self.rng.random() * self.cumulative[-1])]

    def _noun(self) -> str:
        rng = self.rng
        noun = rng.choice(NOUNS)
        return f"{self._domain_word()} {noun}" if rng.random() < 0.5 else noun

    def _template(self) -> str:
        rng = self.rng
        verb = rng.choice(VERBS)
        noun = self._noun()
        fill = {
            "V": verb.capitalize(),
            "v": verb,
            "pp": _past(verb),
            "n": noun,
            "N": noun.capitalize(),
            "ns": noun + "s",
            "a": rng.choice(ADJECTIVES),
            "c": rng.choice(("{count}", "%d", "{{count}}", "{0}")),
            "p": rng.choice(PLACEHOLDERS),
            "w": self._domain_word().capitalize(),
        }
        return rng.choice(TEMPLATES).format(**fill)

    def _sentence(self) -> str:
        rng = self.rng
        length = rng.choice((1, 2, 2, 3, 3, 4, 5, 6, 7, 8, 9, 11, 13, 16, 20))
        words = [
            self._domain_word()
            if rng.random() < 0.45
            else rng.choice((COMMON, VERBS, NOUNS, ADJECTIVES)[rng.randrange(4)])
            for _ in range(length)
        ]
        if length > 3 and rng.random() < 0.3:
            words.insert(rng.randrange(len(words)), rng.choice(PLACEHOLDERS))
        text = " ".join(words)
        return text[0].upper() + text[1:] + (rng.choice((".", "", "", "?", "!", ":")) if length > 3 else "")

    def segment(self) -> str:
        return self._template() if self.rng.random() < 0.2 else self._sentence()

    def segments(self, count: int) -> list[str]:
        seen: dict[str, None] = {}
        while len(seen) < count:
            seen.setdefault(self.segment(), None)
        return list(seen)

    def variant(self, text: str) -> str:
        """A lookup a translator would make: the text with one word changed, added or dropped,
        or a placeholder renamed."""
        rng = self.rng
        words = text.split(" ")
        i = rng.randrange(len(words))
        roll = rng.random()
        if roll < 0.4:
            words[i] = self._domain_word() if rng.random() < 0.5 else rng.choice(NOUNS)
        elif roll < 0.65:
            words.insert(i, rng.choice(COMMON + ADJECTIVES))
        elif roll < 0.85 and len(words) > 2:
            del words[i]
        else:
            return text.replace("{count}", "{n}").replace("%s", "%d").replace("{name}", "{user}") + (
                "" if rng.random() < 0.5 else "!"
            )
        return " ".join(words)
