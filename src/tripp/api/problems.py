"""Error responses: every 4xx is ``{"detail": "...", "problems": [{where, row, column, problem,
fix}]}``, the same problems the CLI prints, so a client can show each one beside its field."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from tripp.errors import InputError, NoRouteError, Problem, Wording

#: A request's fields as the query parameters (``avoid_countries``: ``avoid_country``);
#: the parameters keep their names, which clients' scripts use.
PARAMETERS = Wording(
    {"avoid_countries": "avoid_country", "avoid_nodes": "avoid_node", "cargo_type": "cargo"}, "="
)


class ProblemModel(BaseModel):
    """One thing wrong with a request: where, what and how to fix it."""

    where: str
    row: int | None = None
    column: str | None = None
    problem: str
    fix: str


class ErrorModel(BaseModel):
    """The body of every error response."""

    detail: str
    problems: list[ProblemModel]


class ApiError(Exception):
    """An error with an HTTP status and the problems to list."""

    def __init__(
        self,
        status_code: int,
        detail: str,
        problems: Sequence[Problem] = (),
        *,
        retry_after_s: int | None = None,
    ) -> None:
        super().__init__(detail)
        self.status_code = status_code
        self.detail = detail
        self.problems = tuple(problems) or (Problem("request", detail, "see /api/docs"),)
        self.retry_after_s = retry_after_s


def error_body(detail: str, problems: Sequence[Problem]) -> dict[str, Any]:
    """The JSON body of an error response."""
    return {"detail": detail, "problems": [p.to_dict() for p in problems]}


def error_response(status_code: int, detail: str, problems: Sequence[Problem]) -> JSONResponse:
    """An error response in the documented shape."""
    return JSONResponse(error_body(detail, problems), status_code=status_code)


def no_route_response(error: NoRouteError) -> JSONResponse:
    """404 for a route that no path satisfies; the problem names, as query parameters, the
    settings that cut every route."""
    text = error.worded(PARAMETERS)
    problem = Problem("route", text, "relax a constraint or pick another year")
    return error_response(404, text, [problem])


#: Documented error responses, for ``responses=`` of the routes.
ERRORS: dict[int | str, dict[str, Any]] = {
    422: {"model": ErrorModel, "description": "Bad input; every problem listed."},
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorModel, "description": "Not found (no route, unknown job)."}
}

_FIXES = {
    "missing": "give this parameter",
    "int_parsing": "give a whole number",
    "float_parsing": "give a number",
    "finite_number": "give a finite number",
    "bool_parsing": "give true or false",
    "string_too_long": "shorten it",
    "string_too_short": "give a longer value",
    "too_long": "give fewer values",
    "string_pattern_mismatch": "use letters, digits and dashes only",
    "json_invalid": "send valid JSON",
    "extra_forbidden": "remove this field",
    "model_attributes_type": "send a JSON object",
    "dict_type": "send a JSON object",
}


def _validation_problem(error: dict[str, Any]) -> Problem:
    location = [str(part) for part in error.get("loc", ())]
    if location and location[0] in {"query", "path", "body", "header"}:
        location = location[1:]
    where = ".".join(location) or "request"
    kind = str(error.get("type", ""))
    context = error.get("ctx") or {}
    if kind in {"greater_than_equal", "greater_than", "less_than_equal", "less_than"}:
        bounds = {k: v for k, v in context.items() if k in {"ge", "gt", "le", "lt"}}
        fix = "give a value " + ", ".join(
            f"{ {'ge': '≥', 'gt': '>', 'le': '≤', 'lt': '<'}[k] } {v}" for k, v in bounds.items()
        )
    elif kind in {"enum", "literal_error"}:
        fix = f"use {context.get('expected', 'one of the documented values')}"
    else:
        fix = _FIXES.get(kind, "see the parameter in /api/docs")
    return Problem(where, str(error.get("msg", "is not valid")), fix)


def install_handlers(app: FastAPI) -> None:
    """Map every error to the documented shape: 422 bad input, 404 not found, etc."""

    @app.exception_handler(RequestValidationError)
    async def on_validation(_: Request, error: RequestValidationError) -> JSONResponse:
        problems = [_validation_problem(e) for e in error.errors()]
        return error_response(422, f"{len(problems)} problem(s) in the request", problems)

    @app.exception_handler(InputError)
    async def on_input(_: Request, error: InputError) -> JSONResponse:
        problems = list(error.worded(PARAMETERS).problems)
        detail = str(problems[0]) if len(problems) == 1 else f"{len(problems)} problems found"
        return error_response(422, detail, problems)

    @app.exception_handler(NoRouteError)
    async def on_no_route(_: Request, error: NoRouteError) -> JSONResponse:
        return no_route_response(error)

    @app.exception_handler(ApiError)
    async def on_api_error(_: Request, error: ApiError) -> JSONResponse:
        response = error_response(error.status_code, error.detail, error.problems)
        if error.retry_after_s is not None:
            response.headers["Retry-After"] = str(error.retry_after_s)
        return response

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        detail = str(error.detail)
        if error.status_code == 404:
            problem = Problem(request.url.path, "no such page or endpoint", "see /api/docs")
        elif error.status_code == 405:
            problem = Problem(request.url.path, f"{request.method} is not allowed", "see /api/docs")
        else:
            problem = Problem(request.url.path, detail, "see /api/docs")
        return JSONResponse(
            error_body(detail, [problem]),
            status_code=error.status_code,
            headers=getattr(error, "headers", None),
        )
