"""The method-style API's writing methods, on the services the main API uses.

Each runs inside `service.run_write`: one transaction holding the project lock, numbers given
to keys and namespaces made elsewhere, the dangerous-method switch checked first. Values and
statuses go through the one write path (`translations.service.write`, directly or through
`suggestions.apply`), keys through `keys.add_keys` / `keys.remove_keys`; key events are
published here, since those building blocks publish none (docs/compat.md, "Events").
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from entri.compat import labels as compat_labels
from entri.compat import languages, numbering
from entri.compat import settings as compat_settings
from entri.compat.errors import CompatError
from entri.compat.params import Params
from entri.compat.tokens import Grant
from entri.core.events import Event, publish
from entri.core.vocabularies import Action, Source, Status
from entri.keys import service as keys
from entri.keys.models import Key
from entri.keys.rules import MAX_DESCRIPTION, MAX_NAMESPACE, key_problems
from entri.projects.models import Project
from entri.suggestions import service as suggestions
from entri.translations import service as translations

MAX_KEY = 255
"""`string_key` ≤ 255 in the method-style API (docs/compat.md, "Limits"); the main API allows 10,000."""
MAX_CONTEXT = 2500
MAX_CATEGORY_NAME = 255


def context_too_long(length: int) -> str:
    """The vendor's exact wording, then the count."""
    return f"string_context exceeds the 2500-character limit ({length} characters given)"


def _key_event(name: str, project: Project, grant: Grant, key_id: str, namespace: str, key_name: str) -> Event:
    return Event(
        name=name,
        organization_id=project.organization_id,
        actor=grant.actor,
        project_id=project.id,
        target_type="key",
        target_id=key_id,
        data={"keyId": key_id, "key": key_name, "namespace": namespace, "projectId": project.id},
    )


def _string(session: Session, project: Project, params: Params, name: str = "string_id") -> tuple[int, Key]:
    number = params.integer(name, required=True, minimum=1, maximum=numbering.MAX_NUMBER)
    assert number is not None
    return number, numbering.key_of(session, project_id=project.id, number=number)


def _language(project: Project, params: Params, name: str = "translation_language") -> str:
    return languages.resolve(project.languages, params.values.get(name), name)


def _text(params: Params, key: Key, name: str = "translation_value") -> suggestions.Text:
    value = params.text(name, required=True)
    assert value is not None
    text = suggestions.Text(value)
    suggestions.check_text(text, key=key, field=name)  # its 400 becomes a description (service.call)
    return text


def create_category(session: Session, project: Project, grant: Grant, params: Params) -> int:
    name = params.text("name", required=True)
    assert name is not None
    parent_number = params.integer("parent_id", maximum=numbering.MAX_NUMBER) or 0
    description = params.text("description") or ""
    if name != name.strip() or any(c < " " for c in name) or len(name) > MAX_CATEGORY_NAME:
        raise CompatError(f"name must be 1-{MAX_CATEGORY_NAME} characters without control characters or outer spaces")
    if numbering.SEPARATOR in name:
        raise CompatError(f"name must not contain '{numbering.SEPARATOR}' (it separates categories in namespaces)")
    if len(description) > MAX_DESCRIPTION:
        raise CompatError(f"description is longer than {MAX_DESCRIPTION} characters")
    if parent_number == 0:
        if name == numbering.DEFAULT_CATEGORY:
            raise CompatError(f"name '{name}' is reserved for strings without a namespace")
        namespace = name
    else:
        parent = numbering.category(session, project_id=project.id, number=parent_number)
        namespace = parent.namespace + numbering.SEPARATOR + name
        if parent.namespace == "" or numbering.path_of(namespace) != [*numbering.path_of(parent.namespace), name]:
            raise CompatError(f"parent_id: category {parent_number} cannot have sub-categories")
    if len(namespace) > MAX_NAMESPACE:
        raise CompatError(f"name: the category path is longer than {MAX_NAMESPACE} characters")
    if any(c.namespace == namespace for c in numbering.categories(session, project_id=project.id)):
        raise CompatError(f"name: a category named '{name}' already exists in this parent category")
    return numbering.add_category(
        session, project_id=project.id, parent=parent_number, name=name, namespace=namespace, description=description
    )


def create_string(session: Session, project: Project, grant: Grant, params: Params) -> dict[str, Any]:
    category_number = params.integer("category_id", required=True, maximum=numbering.MAX_NUMBER)
    assert category_number is not None
    category = numbering.category(session, project_id=project.id, number=category_number)
    name = params.text("string_key", required=True)
    assert name is not None
    context = params.text("string_context")
    if context is not None and len(context) > MAX_CONTEXT:
        raise CompatError(context_too_long(len(context)))
    if len(name) > MAX_KEY:
        raise CompatError(f"string_key is longer than {MAX_KEY} characters")
    problems = key_problems(name=name, namespace=category.namespace, description=context)
    if problems:
        raise CompatError("string_key: " + "; ".join(problems))
    chosen = params.integer("string_id", minimum=1, maximum=numbering.MAX_NUMBER)
    if chosen is not None and numbering.string_taken(session, project_id=project.id, number=chosen):
        raise CompatError(f"string_id: {chosen} is already used in this project")
    copy_from = params.integer("copy_translations_from", minimum=1, maximum=numbering.MAX_NUMBER)
    source_key = numbering.key_of(session, project_id=project.id, number=copy_from) if copy_from else None
    default_language = params.values.get("default_translation_language")
    default_value = params.text("default_translation_value")
    if source_key is None and (default_language in (None, "") or default_value is None):
        missing = "default_translation_language" if default_language in (None, "") else "default_translation_value"
        raise CompatError(f"parameter '{missing}' is required (unless copy_translations_from is given)")
    if (default_language in (None, "")) != (default_value is None):
        raise CompatError("default_translation_language and default_translation_value go together")
    tags = compat_labels.tags(compat_settings.labels(project.settings), params.values)
    if keys.find_key(session, project_id=project.id, namespace=category.namespace, name=name) is not None:
        raise CompatError(f"string_key: '{name}' already exists in category {category_number}")
    values: dict[str, str] = {}
    if source_key is not None:
        for language, row in translations.for_key(session, key_id=source_key.id).items():
            if row.status == Status.APPROVED and row.value and language in project.languages:
                values[language] = row.value
    if default_value is not None:
        language = languages.resolve(project.languages, default_language, "default_translation_language")
        values[language] = default_value
    fields = keys.KeyFields(key=name, namespace=category.namespace, description=context, tags=tags)
    ref = keys.add_keys(session, project=project, items=[fields])[0]
    number = numbering.number_key(session, project_id=project.id, key_id=ref.id, number=chosen)
    publish(session, [_key_event("key.created", project, grant, ref.id, ref.namespace, ref.name)])
    writes = [
        translations.Write(key=ref, language=language, value=value, status=Status.APPROVED, source=Source.API)
        for language, value in values.items()
    ]
    if writes:
        translations.write(session, project=project, writes=writes, actor=grant.actor, action=Action.UPDATE)
    return {"string_id": number, "string_key": name}


def delete_string(session: Session, project: Project, grant: Grant, params: Params) -> dict[str, Any]:
    number, key = _string(session, project, params)
    # Published before the key goes, as the main API does: subscribers (the compat webhook)
    # still see its number and approved translations.
    publish(session, [_key_event("key.deleted", project, grant, key.id, key.namespace, key.name)])
    keys.remove_keys(session, project=project, key_ids=[key.id])
    return {"string_id": number}


def add_translation(session: Session, project: Project, grant: Grant, params: Params) -> int:
    """The bot's candidate for (string, language): updated in place, approved on request. An
    approved text is never changed without `approve` (docs/compat.md, "addTranslation")."""
    _, key = _string(session, project, params)
    language = _language(project, params)
    text = _text(params, key)
    bot = suggestions.bot_suggestion(session, key_id=key.id, language=language)
    if params.boolean("approve"):
        row = suggestions.apply(
            session,
            project=project,
            key=key,
            language=language,
            text=text,
            status=Status.APPROVED,
            actor=grant.actor,
            source=Source.API,
            candidate=bot,
        )
        return suggestions.number_of_translation(session, project_id=project.id, translation_id=row.id)
    current = translations.current(session, key_id=key.id, language=language)
    if current is not None and current.status == Status.APPROVED and current.value == text.value:
        if bot is not None:  # the bot now agrees with the approved text: nothing left to suggest
            suggestions.discard(session, project=project, row=bot, actor=grant.actor)
        return suggestions.number_of_translation(session, project_id=project.id, translation_id=current.id)
    mine = suggestions.set_bot(session, project=project, key=key, language=language, text=text, actor=grant.actor)
    return suggestions.number_of_suggestion(session, mine)


def update_translation(session: Session, project: Project, grant: Grant, params: Params) -> int:
    number, key = _string(session, project, params)
    language = _language(project, params)
    text = _text(params, key)
    current = translations.current(session, key_id=key.id, language=language)
    if current is None or current.status != Status.APPROVED or not current.value:
        raise CompatError(
            f"string {number} has no approved translation in language "
            f"{params.values.get('translation_language')}; use addTranslation to create one"
        )
    write = translations.Write(key=key, language=language, value=text.value, status=Status.APPROVED, source=Source.API)
    translations.write(session, project=project, writes=[write], actor=grant.actor, action=Action.UPDATE)
    return suggestions.number_of_translation(session, project_id=project.id, translation_id=current.id)


def disapprove_all(session: Session, project: Project, grant: Grant, params: Params) -> dict[str, Any]:
    number, key = _string(session, project, params)
    rows = translations.for_key(session, key_id=key.id)
    writes = [
        translations.Write.status_change(key, language, Status.TRANSLATED)
        for language in project.languages
        if (row := rows.get(language)) is not None and row.status == Status.APPROVED
    ]
    if writes:
        translations.write(session, project=project, writes=writes, actor=grant.actor, action=Action.STATUS)
    return {"string_id": number, "disapproved": len(writes)}


def delete_all_suggestions(session: Session, project: Project, grant: Grant, params: Params) -> dict[str, Any]:
    number, key = _string(session, project, params)
    deleted = suggestions.delete_for_key(session, project=project, key=key, actor=grant.actor)
    return {"string_id": number, "deleted": deleted}
