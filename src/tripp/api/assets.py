"""Where the page and its front-end libraries are: ``tripp/web`` and npm's ``node_modules``.

The libraries (Leaflet, Swagger UI) are installed from the npm registry with ``npm ci``
into ``node_modules`` at the repository root and served from there at run time under
``/static/vendor/``; nothing is vendored into the repository. ``TRIPP_NODE_MODULES`` points
elsewhere (e.g. an installed copy).
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

#: URL prefix → folder inside ``node_modules``.
VENDOR = {
    "leaflet": Path("leaflet") / "dist",
    "swagger-ui": Path("swagger-ui-dist"),
}


def web_folder() -> Path:
    """The hand-written page: index.html, app.js, style.css."""
    return Path(str(resources.files("tripp") / "web"))


def find_node_modules(explicit: Path | None = None) -> Path | None:
    """``node_modules`` holding the libraries: given, from the environment, or found."""
    candidates = [explicit] if explicit is not None else []
    if os.environ.get("TRIPP_NODE_MODULES"):
        candidates.append(Path(os.environ["TRIPP_NODE_MODULES"]))
    here = Path(__file__).resolve()
    candidates += [parent / "node_modules" for parent in here.parents[:5]]
    candidates.append(Path.cwd() / "node_modules")
    for folder in candidates:
        if all((folder / sub).is_dir() for sub in VENDOR.values()):
            return folder
    return None


#: Swagger UI's start-up script, served as a file (the Content-Security-Policy allows no
#: inline script); ``%s``: the OpenAPI document's URL.
DOCS_SCRIPT = """window.ui = SwaggerUIBundle({
  url: "%s",
  dom_id: "#swagger-ui",
  deepLinking: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout"
});
"""


def docs_html(script_url: str, title: str) -> str:
    """Swagger UI on the local copy of swagger-ui-dist (no CDN), started by the script at
    ``script_url`` (:data:`DOCS_SCRIPT`)."""
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<link rel="stylesheet" href="/static/vendor/swagger-ui/swagger-ui.css">
<link rel="icon" type="image/png" href="/static/vendor/swagger-ui/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/static/vendor/swagger-ui/swagger-ui-bundle.js"></script>
<script src="{script_url}"></script>
</body>
</html>
"""
