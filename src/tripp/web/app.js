/* tripp web page: the atlas on a Leaflet map, a route planner, a scenario comparison and
   energy flows. Talks only to this server's /api; no tiles, no CDN. */
"use strict";

const MODE_COLORS = {
  rail: "#9c2f1e", road: "#5f6b7a", ferry: "#1f78b4", sea: "#3b5b92",
  gas_pipeline: "#d98e04", oil_pipeline: "#2f2f2f", power_line: "#7b3294", fibre: "#1b9e77",
};
const STATUS_DASH = { operating: null, under_construction: "7 5", planned: "2 5", closed: "1 4" };
const STATUS_LABEL = {
  operating: "operating", under_construction: "under construction", planned: "planned", closed: "closed",
};
const COUNTRY_NAMES = {
  AM: "Armenia", AT: "Austria", AZ: "Azerbaijan", BG: "Bulgaria", BY: "Belarus", CN: "China",
  DE: "Germany", EG: "Egypt", GE: "Georgia", GR: "Greece", HU: "Hungary", IN: "India", IR: "Iran",
  IT: "Italy", KZ: "Kazakhstan", MK: "North Macedonia", NL: "Netherlands", PL: "Poland",
  RO: "Romania", RS: "Serbia", RU: "Russia", TM: "Turkmenistan", TR: "Türkiye", XZ: "international waters",
};

const state = {
  map: null, nodes: new Map(), links: null, linkLayer: null, nodeLayer: null, trippLayer: null,
  routeLayer: null, compareLayer: null, energyLayer: null,
  shownModes: new Set(["rail", "road", "ferry", "sea"]),
  shownStatuses: new Set(["operating", "under_construction", "planned"]),
  showPlaces: true, showTripp: true, health: null, scenarios: [], route: null, shownRank: 1,
};

/* ---------- helpers ---------- */

const $ = (selector) => document.querySelector(selector);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    // through the CSSOM: the Content-Security-Policy refuses style attributes
    else if (key === "style") { if (value) node.style.cssText = value; }
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (value !== null && value !== undefined && value !== false) node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

class ApiError extends Error {
  constructor(status, body) {
    super(body && body.detail ? body.detail : `HTTP ${status}`);
    this.status = status;
    this.problems = (body && body.problems) || [];
  }
}

async function api(path, params = {}) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (Array.isArray(value)) value.forEach((v) => query.append(key, v));
    else if (value !== null && value !== undefined && value !== "") query.append(key, value);
  }
  const url = query.toString() ? `${path}?${query}` : path;
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

function showStatus(target, kind, message, problems = []) {
  const box = $(target);
  box.className = `status ${kind}`;
  box.replaceChildren(el("div", { class: "status-line", text: message }));
  if (problems.length) {
    box.append(el("ul", { class: "problems" }, problems.map((p) =>
      el("li", {}, el("strong", { text: p.where }), ` ${p.problem}`, el("span", { class: "fix", text: ` — ${p.fix}` })))));
  }
}

function clearStatus(target) { $(target).className = "status"; $(target).replaceChildren(); }

function showError(target, error) {
  if (error instanceof ApiError) {
    showStatus(target, "error", error.message, error.problems.length > 1 ? error.problems : []);
  } else {
    showStatus(target, "error", `Could not reach the server: ${error.message}`);
  }
}

const fmt = {
  days: (h) => `${(h / 24).toFixed(1)} d`,
  hours: (h) => (h >= 48 ? `${(h / 24).toFixed(1)} d` : `${h.toFixed(1)} h`),
  km: (km) => `${Math.round(km).toLocaleString("en")} km`,
  usd: (usd) => `$${Math.round(usd).toLocaleString("en")}`,
  signedHours: (h) => `${h > 0 ? "+" : h < 0 ? "−" : "±"}${Math.abs(h).toFixed(1)} h`,
  pct: (x) => `${(100 * x).toFixed(0)}%`,
};

const nodeName = (id) => (state.nodes.get(id) ? state.nodes.get(id).name : id);
const latLng = (id) => { const n = state.nodes.get(id); return [n.lat, n.lon]; };
const countryName = (code) => COUNTRY_NAMES[code] || code;

/* ---------- map and layers ---------- */

function initMap() {
  state.map = L.map("map", { zoomSnap: 0.25, worldCopyJump: false, attributionControl: true, minZoom: 2, maxZoom: 11 });
  state.map.attributionControl.setPrefix("");
  state.map.attributionControl.addAttribution("Outlines: Natural Earth · Network: tripp atlas");
  state.map.createPane("countries").style.zIndex = 250;
  state.map.createPane("highlight").style.zIndex = 390;
  state.map.createPane("routes").style.zIndex = 450;
  state.map.setView([41, 50], 4);
  state.routeLayer = L.layerGroup().addTo(state.map);
  state.compareLayer = L.layerGroup().addTo(state.map);
  state.energyLayer = L.layerGroup().addTo(state.map);
  addLayerControl();
}

function drawCountries(geojson) {
  L.geoJSON(geojson, {
    pane: "countries", interactive: false,
    style: { color: "#b7b0a2", weight: 0.8, fillColor: "#f5f2eb", fillOpacity: 1 },
  }).addTo(state.map);
}

function linkStyle(p) {
  const dash = STATUS_DASH[p.status];
  return {
    color: MODE_COLORS[p.mode] || "#444", weight: p.status === "operating" ? 2.2 : 1.8,
    opacity: p.status === "closed" ? 0.45 : 0.9, dashArray: dash, lineCap: "round",
  };
}

function drawLinks() {
  for (const layer of [state.linkLayer, state.trippLayer]) if (layer) layer.remove();
  const visible = (f) => state.shownModes.has(f.properties.mode) && state.shownStatuses.has(f.properties.status);
  const isTripp = (f) => (f.properties.corridors || "").split(";").includes("TRIPP");
  state.trippLayer = L.geoJSON(state.links, {
    pane: "highlight", interactive: false, filter: (f) => state.showTripp && isTripp(f) && visible(f),
    style: { color: "#fcbf49", weight: 9, opacity: 0.55, lineCap: "round", className: "tripp-link" },
  }).addTo(state.map);
  state.linkLayer = L.geoJSON(state.links, {
    filter: visible,
    style: (f) => linkStyle(f.properties),
    onEachFeature: (f, layer) => {
      const p = f.properties;
      layer.bindTooltip(
        `<strong>${nodeName(p.from_node)} – ${nodeName(p.to_node)}</strong><br>` +
        `${p.mode.replace("_", " ")}, ${STATUS_LABEL[p.status] || p.status}` +
        `${p.open_year ? ` (${p.open_year})` : ""}<br>${p.length_km} km` +
        `${p.gauge_mm ? ` · ${p.gauge_mm} mm` : ""}${p.corridors ? `<br>${p.corridors.replaceAll(";", " · ")}` : ""}`,
        { sticky: true });
    },
  }).addTo(state.map);
  if (state.nodeLayer) state.nodeLayer.bringToFront();
}

function drawNodes(features) {
  const group = L.layerGroup();
  for (const f of features) {
    const p = f.properties;
    if (!["city", "port", "border_crossing", "dry_port"].includes(p.kind)) continue;
    const border = p.kind === "border_crossing";
    L.circleMarker([p.lat, p.lon], {
      radius: border ? 2.5 : p.kind === "city" ? 3.5 : 3, weight: 1,
      color: border ? "#a23b2a" : "#26313f", fillColor: border ? "#f2d0c9" : "#ffffff", fillOpacity: 1,
    }).bindTooltip(`${p.name} <span class="tt-muted">${p.country} · ${p.kind.replace("_", " ")}</span>`)
      .addTo(group);
  }
  state.nodeLayer = L.featureGroup(group.getLayers()).addTo(state.map);
}

function addLayerControl() {
  const Control = L.Control.extend({
    onAdd() {
      const box = el("div", { class: "layers-control leaflet-bar", id: "layers" });
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      const toggle = (label, checked, onchange, swatch) => el("label", { class: "toggle" },
        el("input", { type: "checkbox", checked: checked ? "" : null, onchange: (e) => onchange(e.target.checked) }),
        swatch || null, label);
      box.append(el("div", { class: "layers-title", text: "Modes" }));
      for (const mode of Object.keys(MODE_COLORS)) {
        box.append(toggle(mode.replace("_", " "), state.shownModes.has(mode), (on) => {
          if (on) state.shownModes.add(mode); else state.shownModes.delete(mode);
          drawLinks();
        }, el("span", { class: "swatch", style: `background:${MODE_COLORS[mode]}` })));
      }
      box.append(el("div", { class: "layers-title", text: "Status" }));
      for (const status of Object.keys(STATUS_DASH)) {
        box.append(toggle(STATUS_LABEL[status], state.shownStatuses.has(status), (on) => {
          if (on) state.shownStatuses.add(status); else state.shownStatuses.delete(status);
          drawLinks();
        }, el("span", { class: `dash dash-${status}` })));
      }
      box.append(el("div", { class: "layers-title", text: "Show" }));
      box.append(toggle("TRIPP highlighted", true, (on) => { state.showTripp = on; drawLinks(); },
        el("span", { class: "swatch tripp" })));
      box.append(toggle("places", true, (on) => {
        if (on) state.nodeLayer.addTo(state.map); else state.nodeLayer.remove();
      }, el("span", { class: "dot" })));
      return box;
    },
  });
  new Control({ position: "topright" }).addTo(state.map);
}

/* ---------- route planner ---------- */

function routeParams() {
  const avoid = [...document.querySelectorAll("#avoid-chips .chip.on")].map((c) => c.dataset.code);
  return {
    origin: $("#origin").value.trim(), destination: $("#destination").value.trim(),
    scenario: $("#scenario").value, year: $("#year").value, objective: $("#objective").value,
    alternatives: $("#alternatives").value, avoid_country: avoid.length ? [avoid.join(",")] : [],
  };
}

async function planRoute() {
  const params = routeParams();
  if (!params.origin || !params.destination) {
    showStatus("#route-status", "error", "Give a start and an end place.");
    return;
  }
  showStatus("#route-status", "busy", "Routing…");
  try {
    state.route = await api("/api/route", params);
    state.shownRank = 1;
    clearStatus("#route-status");
    renderRoute();
  } catch (error) {
    state.route = null;
    state.routeLayer.clearLayers();
    $("#map").dataset.routeLegs = "0";
    $("#route-result").hidden = true;
    showError("#route-status", error);
  }
}

function drawRoute(layer, route, { color = null, weight = 6, dash = null, className = "route-leg", casing = true } = {}) {
  const lines = [];
  for (const leg of route.legs) {
    if (leg.kind !== "link") continue;
    const path = [latLng(leg.from), latLng(leg.to)];
    if (casing) L.polyline(path, { pane: "routes", color: "#ffffff", weight: weight + 4, opacity: 0.95, interactive: false }).addTo(layer);
    const line = L.polyline(path, {
      pane: "routes", color: color || MODE_COLORS[leg.mode] || "#222", weight, dashArray: dash,
      lineCap: "round", className,
    }).bindTooltip(`${nodeName(leg.from)} → ${nodeName(leg.to)}<br>${leg.mode} · ${fmt.km(leg.distance_km)} · ${fmt.hours(leg.time_h)}`, { sticky: true });
    line.addTo(layer);
    lines.push(line);
  }
  return lines;
}

function markPoints(layer, route) {
  for (const b of route.border_crossings) {
    L.circleMarker(latLng(b.node), { pane: "routes", radius: 6, color: "#7a1f12", weight: 2, fillColor: "#e4572e", fillOpacity: 1, className: "route-border" })
      .bindTooltip(`Border ${nodeName(b.node)}: ${b.from_country} → ${b.to_country}, ${fmt.hours(b.dwell_h)}`).addTo(layer);
  }
  for (const g of route.gauge_changes) {
    L.circleMarker(latLng(g.node), { pane: "routes", radius: 6, color: "#3d1f5c", weight: 2, fillColor: "#9b5de5", fillOpacity: 1, className: "route-gauge" })
      .bindTooltip(`Gauge change ${nodeName(g.node)}: ${g.from_gauge_mm} → ${g.to_gauge_mm} mm`).addTo(layer);
  }
  const ends = [[route.legs[0].from, "A"], [route.legs[route.legs.length - 1].to, "B"]];
  for (const [node, label] of ends) {
    L.marker(latLng(node), { pane: "routes", icon: L.divIcon({ className: "end-marker", html: label, iconSize: [22, 22] }) })
      .bindTooltip(nodeName(node)).addTo(layer);
  }
}

function renderRoute() {
  const result = state.route;
  const layer = state.routeLayer;
  layer.clearLayers();
  const shown = result.routes.find((r) => r.rank === state.shownRank) || result.routes[0];
  for (const other of result.routes) {
    if (other !== shown) drawRoute(layer, other, { color: "#7d8694", weight: 3, dash: "6 6", className: "route-alt", casing: false });
  }
  const lines = drawRoute(layer, shown);
  markPoints(layer, shown);
  const mapBox = $("#map");
  mapBox.dataset.routeLegs = String(lines.length);
  mapBox.dataset.routeNodes = shown.legs.filter((l) => l.kind === "link").map((l) => l.to).join(",");
  if (lines.length) fitTo(lines);

  $("#route-result").hidden = false;
  $("#route-summary").replaceChildren(
    el("div", { class: "summary-title" }, `${nodeName(result.origin)} → ${nodeName(result.destination)}`,
      el("span", { class: "badge", text: `${result.year} · ${result.objective}` })),
    el("div", { class: "metrics" },
      metric("time", fmt.days(shown.time_h)), metric("cost", fmt.usd(shown.cost_usd)),
      metric("distance", fmt.km(shown.distance_km)), metric("borders", String(shown.border_crossings.length))),
    el("div", { class: "countries" }, shown.countries.flatMap((c, i) => [i ? el("span", { class: "arrow", text: "›" }) : null,
      el("span", { class: "country", title: countryName(c), text: countryName(c) })])));
  $("#route-tabs").replaceChildren(...(result.routes.length > 1 ? result.routes.map((r) => el("button", {
    type: "button", class: `route-tab${r === shown ? " active" : ""}`,
    onclick: () => { state.shownRank = r.rank; renderRoute(); },
  }, `#${r.rank} · ${fmt.days(r.time_h)}`)) : []));

  $("#legs-list").replaceChildren(...shown.legs.map((leg) => el("li", { class: `leg leg-${leg.kind}`, "data-kind": leg.kind },
    el("span", { class: "leg-icon", style: leg.kind === "link" ? `background:${MODE_COLORS[leg.mode] || "#444"}` : null }),
    el("div", { class: "leg-main" },
      el("div", { class: "leg-title", text: leg.kind === "link" ? `${nodeName(leg.from)} → ${nodeName(leg.to)}` : `${leg.kind === "border" ? "Border" : "Transfer"} at ${nodeName(leg.from)}` }),
      el("div", { class: "leg-sub", text: [leg.kind === "link" ? leg.mode : leg.detail || leg.mode, leg.country, leg.distance_km ? fmt.km(leg.distance_km) : null].filter(Boolean).join(" · ") })),
    el("div", { class: "leg-figs" }, el("div", { text: fmt.hours(leg.time_h) }), el("div", { class: "muted", text: fmt.usd(leg.cost_usd) })))));
  listOrNone("#borders-list", shown.border_crossings.map((b) =>
    `${nodeName(b.node)}: ${countryName(b.from_country)} → ${countryName(b.to_country)} (${b.mode}), ${fmt.hours(b.dwell_h)}, ${fmt.usd(b.cost_usd)}`));
  listOrNone("#gauges-list", shown.gauge_changes.map((g) =>
    `${nodeName(g.node)}: ${g.from_gauge_mm} → ${g.to_gauge_mm} mm, ${fmt.hours(g.time_h)}, ${fmt.usd(g.cost_usd)}`));
}

function fitTo(layers) {
  // keep clear of the layer control at the top right
  state.map.fitBounds(L.featureGroup(layers).getBounds(), { paddingTopLeft: [50, 50], paddingBottomRight: [230, 50], maxZoom: 8 });
}

function metric(label, value) {
  return el("div", { class: "metric" }, el("div", { class: "metric-value", text: value }), el("div", { class: "metric-label", text: label }));
}

function listOrNone(target, items) {
  $(target).replaceChildren(...(items.length ? items.map((t) => el("li", { text: t })) : [el("li", { class: "muted", text: "none" })]));
}

/* ---------- comparison ---------- */

async function runCompare() {
  const params = { base: $("#compare-base").value, other: $("#compare-other").value, objective: $("#compare-objective").value };
  showStatus("#compare-status", "busy", "Routing every pair and the demand flows under both scenarios…");
  try {
    const result = await api("/api/compare", params);
    clearStatus("#compare-status");
    renderComparison(result);
  } catch (error) {
    showError("#compare-status", error);
  }
}

function renderComparison(result) {
  $("#compare-result").hidden = false;
  const s = result.summary;
  $("#compare-summary").replaceChildren(
    metric("faster", String(s.faster)), metric("slower", String(s.slower)),
    metric("newly connected", String(s.newly_connected)),
    metric("mean Δ time", s.mean_delta_time_h === null ? "—" : fmt.signedHours(s.mean_delta_time_h)));
  const body = $("#delta-table tbody");
  body.replaceChildren(...result.pairs.map((p, i) => {
    const d = p.delta ? p.delta.time_h : null;
    const row = el("tr", { class: "clickable", onclick: () => showPair(result, p, row) },
      el("td", { text: `${p.origin} → ${p.destination}` }),
      el("td", { class: "num", text: p.before ? fmt.days(p.before.time_h) : "no route" }),
      el("td", { class: "num", text: p.after ? fmt.days(p.after.time_h) : "no route" }),
      el("td", { class: `num ${d < -0.05 ? "better" : d > 0.05 ? "worse" : ""}`, text: d === null ? (p.after ? "new" : "cut") : fmt.signedHours(d) }));
    if (i === 0) setTimeout(() => showPair(result, p, row), 0);
    return row;
  }));
  drawExposureChart(result);
}

async function showPair(result, pair, row) {
  document.querySelectorAll("#delta-table tr.selected").forEach((r) => r.classList.remove("selected"));
  row.classList.add("selected");
  state.compareLayer.clearLayers();
  const fetchRoute = (scenario) => api("/api/route", { origin: pair.origin, destination: pair.destination, scenario, objective: result.objective })
    .then((r) => r.routes[0]).catch(() => null);
  const [before, after] = await Promise.all([fetchRoute(result.base), fetchRoute(result.other)]);
  const lines = [];
  if (before) lines.push(...drawRoute(state.compareLayer, before, { color: "#7d8694", weight: 5, dash: "8 7", className: "route-before", casing: false }));
  if (after) lines.push(...drawRoute(state.compareLayer, after, { color: "#d1495b", weight: 5, className: "route-after" }));
  if (lines.length) fitTo(lines);
}

function drawExposureChart(result) {
  const rows = result.exposure_change
    .filter((r) => r.transit_share_t_before > 0.001 || r.transit_share_t_after > 0.001)
    .sort((a, b) => Math.max(b.transit_share_t_before, b.transit_share_t_after) - Math.max(a.transit_share_t_before, a.transit_share_t_after))
    .slice(0, 12);
  const ns = "http://www.w3.org/2000/svg";
  const svgEl = (tag, attrs, text) => {
    const node = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  };
  const width = 340, label = 92, rowH = 26, top = 26;
  const height = top + rows.length * rowH + 8;
  const max = Math.max(0.01, ...rows.flatMap((r) => [r.transit_share_t_before, r.transit_share_t_after]));
  const scale = (v) => (v / max) * (width - label - 84);
  const svg = svgEl("svg", { viewBox: `0 0 ${width} ${height}`, width: "100%", role: "img", "aria-label": "Transit exposure before and after" });
  svg.append(svgEl("rect", { x: label, y: 6, width: 10, height: 8, class: "bar-before" }),
    svgEl("text", { x: label + 14, y: 14, class: "chart-legend" }, result.base),
    svgEl("rect", { x: label + 130, y: 6, width: 10, height: 8, class: "bar-after" }),
    svgEl("text", { x: label + 144, y: 14, class: "chart-legend" }, result.other));
  rows.forEach((r, i) => {
    const y = top + i * rowH;
    svg.append(svgEl("text", { x: label - 6, y: y + 15, class: "chart-label", "text-anchor": "end" }, countryName(r.country)));
    svg.append(svgEl("rect", { x: label, y: y + 2, width: scale(r.transit_share_t_before), height: 9, class: "bar-before" }));
    svg.append(svgEl("rect", { x: label, y: y + 12, width: scale(r.transit_share_t_after), height: 9, class: "bar-after" }));
    svg.append(svgEl("text", { x: label + Math.max(scale(r.transit_share_t_before), scale(r.transit_share_t_after)) + 4, y: y + 16, class: "chart-value" },
      `${fmt.pct(r.transit_share_t_before)} → ${fmt.pct(r.transit_share_t_after)}`));
  });
  $("#exposure-chart").replaceChildren(svg);
}

/* ---------- energy ---------- */

async function runEnergy() {
  showStatus("#energy-status", "busy", "Solving the energy flows…");
  try {
    const result = await api("/api/energy", {
      scenario: $("#energy-scenario").value, carrier: $("#energy-carrier").value,
      missing_capacity: $("#energy-unbounded").checked ? "unbounded" : "error",
    });
    clearStatus("#energy-status");
    renderEnergy(result);
  } catch (error) {
    showError("#energy-status", error);
  }
  await runSecurity($("#energy-scenario").value);
}

/* The N-1 indicator (EU 2017/1938 Annex II) of each gas area: read from the atlas, no LP. */
async function runSecurity(scenario) {
  try {
    renderSecurity(await api("/api/energy/security", { scenario }));
  } catch (error) {
    $("#security-result").hidden = true;
    showError("#energy-status", error);
  }
}

function renderSecurity(report) {
  const mcm = (v) => `${Number(v).toLocaleString("en", { maximumFractionDigits: 2 })} mcm/d`;
  $("#security-result").hidden = false;
  $("#security-table tbody").replaceChildren(...(report.areas || []).map((a) => {
    const largest = a.largest_infrastructure;
    return el("tr", {},
      el("td", { text: a.region ? `${a.area} (${a.country})` : a.area }),
      el("td", {
        class: `num ${a.meets_standard === false ? "worse" : ""}`,
        text: a.n_minus_1_pct === null ? "—" : `${a.n_minus_1_pct.toFixed(1)} %`,
      }),
      el("td", { class: "num", text: mcm(a.dmax_mcm_per_day) }),
      el("td", { text: largest ? `${largest.id} (${mcm(largest.capacity_mcm_per_day)})` : "—" }),
      el("td", { text: a.lasts }));
  }));
  $("#security-note").textContent = `${report.standard}, ${report.year}`;
}

function renderEnergy(result) {
  $("#energy-result").hidden = false;
  const flowOf = (f) => Math.abs(Number(f.net_flow || 0));
  const flows = (result.links || []).filter((f) => flowOf(f) > 0);
  const max = Math.max(1e-9, ...flows.map(flowOf));
  const number = (v) => Number(v).toLocaleString("en", { maximumFractionDigits: 0 });
  state.energyLayer.clearLayers();
  const byId = new Map(state.links.features.map((f) => [f.properties.link_id, f]));
  for (const f of flows) {
    const feature = byId.get(f.link_id);
    if (!feature) continue;
    const [a, b] = feature.geometry.coordinates;
    L.polyline([[a[1], a[0]], [b[1], b[0]]], {
      pane: "routes", color: f.carrier === "power" ? MODE_COLORS.power_line : MODE_COLORS.gas_pipeline,
      weight: 2 + (10 * flowOf(f)) / max, opacity: 0.85, lineCap: "round", className: "energy-flow",
    }).bindTooltip(`${nodeName(f.from_node)} – ${nodeName(f.to_node)}<br>${number(flowOf(f))} ${f.unit}` +
      `${f.utilisation !== null ? ` · ${fmt.pct(f.utilisation)} used` : ""}`, { sticky: true }).addTo(state.energyLayer);
  }
  const unmet = result.unmet_by_region || [];
  const unmetTotal = unmet.filter((u) => u.unmet > 0).length;
  $("#energy-summary").replaceChildren(
    metric("system cost", `$${(result.system_cost_usd / 1e9).toFixed(2)} bn`),
    metric("lines used", String(flows.length)),
    metric("regions short", String(unmetTotal)),
    metric("year", String(result.year)));
  $("#unmet-table tbody").replaceChildren(...unmet.map((u) => el("tr", {},
    el("td", { text: `${u.region} (${u.country}, ${u.carrier})` }),
    el("td", { class: "num", text: `${number(u.demand)} ${u.unit.replace("_per_year", "/yr")}` }),
    el("td", { class: `num ${u.unmet > 0 ? "worse" : ""}`, text: number(u.unmet) }))));
  $("#flows-table tbody").replaceChildren(...[...flows].sort((a, b) => flowOf(b) - flowOf(a)).slice(0, 12).map((f) => el("tr", {},
    el("td", { text: `${nodeName(f.from_node)} – ${nodeName(f.to_node)}` }),
    el("td", { class: "num", text: `${number(flowOf(f))} ${f.unit.replace("_per_year", "/yr")}` }),
    el("td", { class: "num", text: f.utilisation !== null ? fmt.pct(f.utilisation) : "—" }))));
  if (flows.length) {
    const lines = state.energyLayer.getLayers();
    if (lines.length) fitTo(lines);
  }
}

/* ---------- views and start-up ---------- */

function switchView(name) {
  document.querySelectorAll(".tab").forEach((t) => t.classList.toggle("active", t.dataset.view === name));
  document.querySelectorAll(".view").forEach((v) => v.classList.toggle("active", v.id === `view-${name}`));
  for (const [view, layer] of [["route", state.routeLayer], ["compare", state.compareLayer], ["energy", state.energyLayer]]) {
    if (view === name) layer.addTo(state.map); else layer.remove();
  }
}

async function loadLinks(scenario) {
  state.links = await api("/api/links", { scenario });
  drawLinks();
}

function fillScenarioSelect(select, { withAtlas = false, chosen = null } = {}) {
  const options = withAtlas ? [el("option", { value: "", text: `atlas as is (${state.health.atlas.as_of_year})` })] : [];
  for (const s of state.scenarios) options.push(el("option", { value: s.name, text: `${s.name} (${s.year})`, title: s.description }));
  select.replaceChildren(...options);
  if (chosen) select.value = chosen;
}

async function start() {
  initMap();
  const [health, scenarios, nodes, countries] = await Promise.all([
    api("/api/health"), api("/api/scenarios"), api("/api/nodes"), api("/api/countries"),
  ]);
  state.health = health;
  state.scenarios = scenarios;
  $("#atlas-meta").textContent = `atlas ${health.atlas.as_of_year} · ${health.atlas.nodes} places · ${health.atlas.links} links`;
  drawCountries(countries);
  for (const f of nodes.features) state.nodes.set(f.properties.node_id, f.properties);
  $("#places").replaceChildren(...nodes.features.map((f) => f.properties)
    .filter((p) => !["waypoint", "junction", "field"].includes(p.kind))
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((p) => el("option", { value: p.name, text: `${p.country} · ${p.kind.replace("_", " ")}` })));
  const codes = [...new Set(nodes.features.map((f) => f.properties.country))].filter((c) => c !== "XZ").sort();
  $("#avoid-chips").replaceChildren(...codes.map((code) => el("button", {
    type: "button", class: "chip", "data-code": code, title: countryName(code), text: code,
    onclick: (e) => e.currentTarget.classList.toggle("on"),
  })));
  fillScenarioSelect($("#scenario"), { withAtlas: true, chosen: "baseline-2025" });
  fillScenarioSelect($("#compare-base"), { chosen: "baseline-2025" });
  fillScenarioSelect($("#compare-other"), { chosen: "tripp-2030" });
  fillScenarioSelect($("#energy-scenario"), { chosen: "baseline-2025" });
  await loadLinks($("#scenario").value);
  drawNodes(nodes.features);
  const core = nodes.features.filter((f) => f.properties.kind !== "waypoint");
  state.map.fitBounds(L.latLngBounds(core.map((f) => [f.properties.lat, f.properties.lon])), { paddingTopLeft: [20, 20], paddingBottomRight: [200, 20] });

  document.querySelectorAll(".tab").forEach((t) => t.addEventListener("click", () => switchView(t.dataset.view)));
  $("#route-form").addEventListener("submit", (e) => { e.preventDefault(); planRoute(); });
  $("#compare-form").addEventListener("submit", (e) => { e.preventDefault(); runCompare(); });
  $("#energy-form").addEventListener("submit", (e) => { e.preventDefault(); runEnergy(); });
  $("#scenario").addEventListener("change", async () => {
    await loadLinks($("#scenario").value);
    if (state.route) await planRoute();
  });
  document.body.dataset.ready = "true";
}

start().catch((error) => showStatus("#route-status", "error", `The page could not start: ${error.message}`));
