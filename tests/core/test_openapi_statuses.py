"""The OpenAPI document lists the error statuses each route can really answer, so schema-driven
clients and fuzzers agree with the server: 409 exactly where a route can conflict, 413 on every
route that takes a body (the body cap answers it before any handler runs).

Which routes can conflict is found by reading the code, not by a list kept by hand: from each
route's endpoint and dependencies, calls are followed into Entri's own functions until a
`raise Conflict(...)` is reached. An `if` whose test is settled by a constant argument
(`get_project(..., for_write=True)` versus the default `False`) is followed only where it can run.
Calls through an object (`principal.require(...)`) are not followed; no service raises Conflict
that way.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from entri.app import ROUTERS, create_app
from entri.core.config import Settings
from entri.core.db import Database
from entri.core.errors import ApiError, Conflict

UNKNOWN = object()
"""An argument whose value is not a constant: any `if` that tests it may go either way."""

Env = dict[str, object]
Bindings = frozenset[tuple[str, object]]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    tmp = tmp_path_factory.mktemp("statuses")
    return create_app(Database(f"sqlite:///{tmp / 'x.db'}"), Settings(data_dir=Path(tmp)))


@pytest.fixture(scope="module")
def document(app: FastAPI) -> dict[str, Any]:
    return app.openapi()


def _static_truth(test: ast.expr, env: Env) -> bool | None:
    """True/False when constants settle the test, None when it may go either way."""
    if isinstance(test, ast.Constant):
        return bool(test.value)
    if isinstance(test, ast.Name) and test.id in env and env[test.id] is not UNKNOWN:
        return bool(env[test.id])
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        inner = _static_truth(test.operand, env)
        return None if inner is None else not inner
    if isinstance(test, ast.BoolOp):
        values = [_static_truth(v, env) for v in test.values]
        decisive = isinstance(test.op, ast.Or)  # `or` is settled by one True, `and` by one False
        if decisive in values:
            return decisive
        if all(v is not None for v in values):
            return not decisive
    return None


class ConflictFinder:
    def __init__(self) -> None:
        self._memo: dict[tuple[Callable[..., Any], Bindings], bool] = {}

    def route_can_conflict(self, route: APIRoute) -> bool:
        return any(self.can_conflict(call) for call in _calls(route.dependant))

    def can_conflict(self, fn: Callable[..., Any], bindings: Bindings = frozenset()) -> bool:
        fn = inspect.unwrap(fn)
        if not inspect.isfunction(fn) or not fn.__module__.startswith("entri."):
            return False
        key = (fn, bindings)
        if key not in self._memo:
            self._memo[key] = False  # recursion: a cycle adds nothing
            node = ast.parse(textwrap.dedent(inspect.getsource(fn))).body[0]
            assert isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            env = _defaults(fn) | dict(bindings)
            self._memo[key] = any(self._reaches(statement, fn, env) for statement in node.body)
        return self._memo[key]

    def _reaches(self, node: ast.AST, fn: Callable[..., Any], env: Env) -> bool:
        if isinstance(node, ast.If):
            truth = _static_truth(node.test, env)
            parts = [node.test, *(node.body if truth is not False else []), *(node.orelse if truth is not True else [])]
            return any(self._reaches(part, fn, env) for part in parts)
        if isinstance(node, ast.Raise) and node.exc is not None and self._is_conflict(node.exc, fn):
            return True
        if isinstance(node, ast.Call):
            target = _resolve(node.func, fn)
            if callable(target) and self.can_conflict(target, _bind(target, node, env)):
                return True
        return any(self._reaches(child, fn, env) for child in ast.iter_child_nodes(node))

    @staticmethod
    def _is_conflict(exc: ast.expr, fn: Callable[..., Any]) -> bool:
        call = exc if isinstance(exc, ast.Call) else None
        raised = _resolve(call.func if call else exc, fn)
        if not (isinstance(raised, type) and issubclass(raised, ApiError)):
            return False
        if issubclass(raised, Conflict):
            return True
        keywords = call.keywords if call else []
        return any(
            k.arg == "status_code" and isinstance(k.value, ast.Constant) and k.value.value == 409 for k in keywords
        )


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    if dependant.call is not None:
        yield dependant.call
    for sub in dependant.dependencies:
        yield from _calls(sub)


def _namespace(fn: Callable[..., Any]) -> dict[str, Any]:
    closure = inspect.getclosurevars(fn)
    return {**fn.__globals__, **closure.nonlocals}


def _resolve(expr: ast.expr, fn: Callable[..., Any]) -> Any:
    """The object a name or dotted name refers to in `fn`'s scope; None when it depends on a value."""
    if isinstance(expr, ast.Name):
        return _namespace(fn).get(expr.id)
    if isinstance(expr, ast.Attribute):
        base = _resolve(expr.value, fn)
        if inspect.ismodule(base) or isinstance(base, type):
            return getattr(base, expr.attr, None)
    return None


def _defaults(fn: Callable[..., Any]) -> Env:
    return {
        name: param.default
        for name, param in inspect.signature(fn).parameters.items()
        if param.default is not inspect.Parameter.empty
    }


def _bind(target: Callable[..., Any], call: ast.Call, env: Env) -> Bindings:
    """The callee's parameters this call settles with constants; the others it passes are UNKNOWN."""

    def value(arg: ast.expr) -> object:
        if isinstance(arg, ast.Constant):
            return arg.value
        if isinstance(arg, ast.Name) and arg.id in env:
            return env[arg.id]
        return UNKNOWN

    try:
        names = list(inspect.signature(inspect.unwrap(target)).parameters)
    except (TypeError, ValueError):
        return frozenset()
    bound = {names[i]: value(arg) for i, arg in enumerate(call.args) if i < len(names)}
    bound |= {k.arg: value(k.value) for k in call.keywords if k.arg is not None}
    return frozenset((k, v) for k, v in bound.items() if isinstance(v, bool | int | str | type(None)) or v is UNKNOWN)


def _operations(app: FastAPI) -> Iterator[tuple[str, str, APIRoute]]:
    """(method, documented path, route): the routers' routes sit under `/api` (app.py)."""
    routes = [(route.path, route) for route in app.routes if isinstance(route, APIRoute)]
    routes += [("/api" + route.path, route) for router in ROUTERS for route in router.routes]
    for path, route in routes:
        assert isinstance(route, APIRoute)
        if route.include_in_schema:
            for method in sorted(route.methods):
                yield method, path, route


def test_every_documented_operation_is_walked(app: FastAPI, document: dict[str, Any]) -> None:
    walked = {(method.lower(), path) for method, path, _ in _operations(app)}
    documented = {(method, path) for path, item in document["paths"].items() for method in item}
    assert walked == documented


def test_409_is_documented_exactly_where_a_route_can_conflict(app: FastAPI, document: dict[str, Any]) -> None:
    finder = ConflictFinder()
    can, documents = set(), set()
    for method, path, route in _operations(app):
        where = f"{method} {path}"
        if finder.route_can_conflict(route):
            can.add(where)
        if "409" in document["paths"][path][method.lower()]["responses"]:
            documents.add(where)
    assert not can - documents, f"can answer 409 but do not document it: {sorted(can - documents)}"
    assert not documents - can, f"document a 409 they cannot answer: {sorted(documents - can)}"
    assert {"POST /api/projects/{project_id}/keys", "PATCH /api/projects/{project_id}"} <= can
    assert "GET /api/projects/{project_id}" not in can
    assert len(can) >= 14


def test_the_finder_reaches_the_known_raisers_and_follows_constants() -> None:
    from entri.keys import service as keys
    from entri.organizations import invitations
    from entri.projects import deps, service

    finder = ConflictFinder()
    for raiser in (service.add_language, keys.create, keys.update_key, invitations.invite, invitations.accept):
        assert finder.can_conflict(raiser), raiser.__qualname__
    assert finder.can_conflict(deps.project_for_write)
    assert not finder.can_conflict(deps.project_for_read)  # the same function, for_write=False
    assert finder.can_conflict(service.get_project, frozenset({("for_write", UNKNOWN)}))
    assert not finder.can_conflict(service.get_project)
    assert not finder.can_conflict(service.set_archived)


def test_every_operation_with_a_body_documents_413(app: FastAPI, document: dict[str, Any]) -> None:
    with_body = 0
    for method, path, route in _operations(app):
        operation = document["paths"][path][method.lower()]
        takes_body = bool(route.dependant.body_params)
        assert takes_body == ("requestBody" in operation), f"{method} {path}"
        documented = operation["responses"].get("413")
        if takes_body:
            with_body += 1
            assert documented, f"{method} {path} takes a body but does not document 413"
            schema = documented["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorOut"}
        else:
            assert documented is None, f"{method} {path} takes no body but documents 413"
    assert with_body >= 15
