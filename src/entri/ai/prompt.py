"""The prompt for language models: instructions, then one JSON document with the context and
the strings, so the model answers in JSON with the same ids.

What it carries (issue 17): project description and tone, per string its key name, description,
context, maximum length, the glossary terms occurring in it (with their target, do-not-translate
and forbidden flags), up to 5 TM matches and, for plural keys, the target language's CLDR
categories; up to 20 neighbouring keys of the same namespace with their translations.
"""

from __future__ import annotations

import json
from typing import Any

from entri.ai.types import Request

SYSTEM = "\n".join(
    [
        "You are a professional software localizer. Translate user-interface strings from {source} to {target}.",
        "Rules:",
        "- Tokens like ⟦1⟧ stand for placeholders or markup: keep every token exactly once, unchanged; "
        "move it where the grammar needs it.",
        "- Keep leading/trailing spaces, line breaks and the meaning; do not add quotes or explanations.",
        "- Respect maxLength when given. Use the glossary: a term with a translation must be translated "
        "with it; a doNotTranslate term stays as written; a forbidden term must not appear.",
        '- For a string with "forms", return "forms" with exactly the categories listed in "categories" '
        "(CLDR plural categories of {target}).",
        '- Answer with one JSON object and nothing else: {{"translations": [{{"id": "<id>", '
        '"text": "<translation>", "confidence": <0-100>{alternatives}}}]}} '
        '(or "forms": {{...}} instead of "text" for plural strings), one entry per input id.',
    ]
)
_ALTERNATIVES = ', "alternatives": [{{"text": "...", "confidence": <0-100>}}] (up to {n}, best first)'


def system_prompt(request: Request) -> str:
    alternatives = _ALTERNATIVES.format(n=request.alternatives) if request.alternatives else ""
    return SYSTEM.format(source=request.source_language, target=request.target_language, alternatives=alternatives)


def user_prompt(request: Request) -> str:
    """The JSON document of context and strings."""
    document: dict[str, Any] = {"sourceLanguage": request.source_language, "targetLanguage": request.target_language}
    if request.project_description:
        document["project"] = request.project_description
    if request.instructions:
        document["instructions"] = request.instructions
    if request.neighbours:
        document["neighbouringKeys"] = list(request.neighbours)
    strings = []
    for item in request.items:
        entry: dict[str, Any] = {"id": item.id, "key": item.key}
        if item.forms is not None:
            entry["forms"] = item.forms
            entry["categories"] = list(item.categories or ("other",))
        else:
            entry["text"] = item.text
        for name, value in (
            ("description", item.description),
            ("context", item.context),
            ("maxLength", item.max_length),
        ):
            if value:
                entry[name] = value
        if item.glossary:
            entry["glossary"] = list(item.glossary)
        if item.memory:
            entry["translationMemory"] = list(item.memory)
        strings.append(entry)
    document["strings"] = strings
    return json.dumps(document, ensure_ascii=False)
