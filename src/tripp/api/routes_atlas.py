"""Endpoints about the atlas itself: health, nodes, links, scenarios, country outlines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import FileResponse

from tripp.api.params import MAX_TEXT, CountryQuery, ScenarioQuery, shipped_scenario
from tripp.api.problems import ERRORS
from tripp.api.schemas import FeatureCollectionModel, HealthModel, ScenarioModel
from tripp.api.state import ApiState, AtlasFolders
from tripp.atlas.countries import outlines_file
from tripp.version import __version__

router = APIRouter(prefix="/api", tags=["atlas"])

Text = Annotated[str | None, Query(max_length=MAX_TEXT)]


def json_bytes(data: object) -> bytes:
    """Compact UTF-8 JSON (NaN refused: the atlas has none past validation)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def json_response(body: bytes, status_code: int = 200) -> Response:
    """A JSON response from already serialised bytes."""
    return Response(content=body, status_code=status_code, media_type="application/json")


def state_of(request: Request) -> ApiState:
    """The app's :class:`ApiState`."""
    state: ApiState = request.app.state.tripp
    return state


def _folder_name(folders: AtlasFolders) -> str:
    """The name of the served atlas folder, ``embedded`` for the embedded atlas, a stack's
    names joined by " + " (``embedded + imported``)."""
    if folders is None:
        return "embedded"
    stack = folders if isinstance(folders, tuple) else (folders,)
    return " + ".join(Path(folder).name for folder in stack)


@router.get("/health", response_model=HealthModel, summary="Service health and capabilities")
def health(request: Request) -> dict[str, Any]:
    """Whether the atlas loaded, what it holds, and the analyses and job kinds it serves."""
    state = state_of(request)
    atlas = state.atlas
    return {
        "status": "ok",
        "version": __version__,
        "atlas": {
            "folder": _folder_name(state.atlas_folder),
            "as_of_year": atlas.as_of_year,
            "nodes": len(atlas.nodes),
            "links": len(atlas.links),
        },
        "capabilities": request.app.state.capabilities,
        "web_assets": request.app.state.web_assets,
        "cache": {
            "networks": len(state.networks),
            "results": len(state.results),
            "result_hits": state.results.hits,
        },
    }


def _as_dict(row: Any) -> dict[str, Any]:
    from dataclasses import asdict

    return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(row).items()}


@router.get(
    "/nodes",
    response_model=FeatureCollectionModel,
    responses=ERRORS,
    summary="Places as GeoJSON points",
)
def nodes(
    request: Request,
    country: CountryQuery = None,
    kind: Text = None,
    scenario: ScenarioQuery = None,
) -> Response:
    """The atlas's places (``tripp nodes --format geojson``), filtered by country and kind."""
    from tripp.atlas.listing import filter_nodes, nodes_geojson

    state = state_of(request)
    name = shipped_scenario(scenario)

    def build() -> bytes:
        rows = filter_nodes(state.network(name).atlas, country=country, kind=kind)
        return json_bytes(nodes_geojson(rows))

    return json_response(state.cached(("nodes", name, country, kind), build))


@router.get(
    "/links",
    response_model=FeatureCollectionModel,
    responses=ERRORS,
    summary="Links as GeoJSON lines",
)
def links(
    request: Request,
    country: CountryQuery = None,
    mode: Text = None,
    status: Text = None,
    corridor: Text = None,
    scenario: ScenarioQuery = None,
) -> Response:
    """The atlas's links (``tripp links --format geojson``), filtered like the CLI."""
    from tripp.atlas.listing import filter_links, links_geojson

    state = state_of(request)
    name = shipped_scenario(scenario)

    def build() -> bytes:
        atlas = state.network(name).atlas
        rows = filter_links(atlas, country=country, mode=mode, status=status, corridor=corridor)
        return json_bytes(links_geojson(atlas, rows))

    return json_response(state.cached(("links", name, country, mode, status, corridor), build))


@router.get("/scenarios", response_model=list[ScenarioModel], summary="The shipped scenarios")
def scenarios(request: Request) -> Response:
    """Name, year, description and lineage of each shipped scenario (``tripp scenario list``)."""
    from tripp.scenarios import list_scenarios, load_scenario

    state = state_of(request)

    def build() -> bytes:
        loaded = [load_scenario(name, state.atlas) for name in list_scenarios()]
        return json_bytes(
            [
                {
                    "name": s.name,
                    "year": s.year,
                    "description": s.description,
                    "extends": list(s.lineage[:-1]),
                }
                for s in loaded
            ]
        )

    return json_response(state.cached(("scenarios",), build))


@router.get(
    "/countries",
    response_model=FeatureCollectionModel,
    summary="Country outlines (Natural Earth, bundled)",
)
def countries() -> FileResponse:
    """The bundled Natural Earth country outlines the map draws (GeoJSON)."""
    return FileResponse(outlines_file(), media_type="application/json")
