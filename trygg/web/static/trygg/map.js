/* Trygg maps on Leaflet (served from the project, no CDN).
 * TryggMap.create(el) makes a map with a scale bar and, only when data-tiles names a tile URL (the
 * TRYGG_MAP_TILES setting), base tiles: by default the map is polygons only and works offline.
 * TryggMap.areaMap(el) draws the area (data-geojson) with its children, named.
 * Every tooltip, label and legend is built from text nodes (never an HTML string), in the page's
 * language (strings from the "map-i18n" JSON) and its number format (decimal comma in Swedish). */
(function (global) {
  "use strict";
  var strings = null;
  function t(key) {
    if (strings === null) {
      var node = document.getElementById("map-i18n");
      strings = node ? JSON.parse(node.textContent) : {};
    }
    return Object.prototype.hasOwnProperty.call(strings, key) ? strings[key] : key;
  }
  function lang() { return document.documentElement.lang || "sv"; }
  var formats = {};
  function fmt(value, digits) {
    if (value === null || value === undefined || isNaN(value)) { return "–"; }
    var d = digits === undefined ? 2 : digits;
    if (!formats[d]) {
      formats[d] = new Intl.NumberFormat(lang(), { minimumFractionDigits: 0, maximumFractionDigits: d });
    }
    return formats[d].format(value);
  }
  /* An element for a tooltip/popup: one line per entry; an entry is a string or
   * {text: "...", strong: true}. Only text nodes, so names like "<img onerror=…>" stay text. */
  function textBox(lines, className) {
    var box = document.createElement("div");
    if (className) { box.className = className; }
    lines.forEach(function (line) {
      if (line === null || line === undefined || line === "") { return; }
      var row = document.createElement("div");
      var item = typeof line === "string" ? { text: line } : line;
      var holder = item.strong ? document.createElement("strong") : row;
      holder.appendChild(document.createTextNode(String(item.text)));
      if (holder !== row) { row.appendChild(holder); }
      box.appendChild(row);
    });
    return box;
  }
  function create(el) {
    var map = L.map(el, { zoomSnap: 0.25 });
    var tiles = el.dataset.tiles;
    if (tiles) {
      L.tileLayer(tiles, { attribution: el.dataset.attribution || "", maxZoom: 19 }).addTo(map);
    }
    L.control.scale({ metric: true, imperial: false, position: "bottomleft" }).addTo(map);
    el._tryggMap = map;
    return map;
  }
  function loadJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error(url + ": " + r.status); }
      return r.json();
    });
  }
  /* Area names as labels at each polygon's centre; with many areas only when zoomed in. */
  function labels(map, geoLayer, nameOf, many) {
    var group = L.layerGroup();
    geoLayer.eachLayer(function (l) {
      var name = nameOf(l.feature);
      if (!name || !l.getBounds) { return; }
      var span = document.createElement("span");
      span.appendChild(document.createTextNode(name));
      var icon = L.divIcon({ className: "area-label", html: span, iconSize: null });
      group.addLayer(L.marker(l.getBounds().getCenter(), { icon: icon, interactive: false, keyboard: false }));
    });
    var limit = many || 30;
    function toggle() {
      var show = group.getLayers().length <= limit || map.getZoom() >= 13;
      if (show && !map.hasLayer(group)) { group.addTo(map); }
      if (!show && map.hasLayer(group)) { map.removeLayer(group); }
    }
    map.on("zoomend", toggle);
    toggle();
    return group;
  }
  /* A legend below the map (it never covers the map, also on a phone): title and rows of
   * {colour, border, shape: "box"|"dot"|"line", text}. */
  function legend(map, title, rows) {
    var box = document.createElement("div");
    box.className = "map-legend";
    box.setAttribute("data-testid", "map-legend");
    if (title) {
      var h = document.createElement("strong");
      h.appendChild(document.createTextNode(title));
      box.appendChild(h);
    }
    var list = document.createElement("ul");
    rows.forEach(function (r) {
      var row = document.createElement("li");
      var key = document.createElement("span");
      key.className = "key " + (r.shape || "box");
      key.setAttribute("aria-hidden", "true");
      if (r.colour) { key.style.background = r.colour; }
      if (r.border) { key.style.borderColor = r.border; }
      row.appendChild(key);
      row.appendChild(document.createTextNode(r.text));
      list.appendChild(row);
    });
    box.appendChild(list);
    var el = map.getContainer();
    var old = el.nextElementSibling;
    if (old && old.classList.contains("map-legend")) { old.parentNode.removeChild(old); }
    el.insertAdjacentElement("afterend", box);
    return box;
  }
  /* "1 händelse", "2 händelser" */
  function count(n, one, many) { return fmt(n, 0) + " " + (n === 1 ? t(one) : t(many)); }
  function areaMap(el) {
    var map = create(el);
    return loadJSON(el.dataset.geojson).then(function (fc) {
      var area = L.geoJSON(fc, {
        filter: function (f) { return f.properties.role === "area"; },
        style: { color: "#1f5fa8", weight: 3, fillOpacity: 0.05 }
      }).addTo(map);
      var children = L.geoJSON(fc, {
        filter: function (f) { return f.properties.role === "child"; },
        style: { color: "#555", weight: 1, fillColor: "#9ec1e6", fillOpacity: 0.35 },
        onEachFeature: function (f, layer) {
          layer.bindTooltip(textBox([{ text: f.properties.name, strong: true }]));
          layer.on("click", function () { window.location = f.properties.url; });
        }
      }).addTo(map);
      map.fitBounds(area.getBounds(), { padding: [10, 10] });
      labels(map, children, function (f) { return f.properties.name; });
      el.dataset.ready = "1";
      el.dataset.children = String(children.getLayers().length);
      return { map: map, area: area, children: children };
    }).catch(function (err) { el.dataset.error = String(err); throw err; });
  }
  global.TryggMap = { create: create, areaMap: areaMap, loadJSON: loadJSON, t: t, fmt: fmt, textBox: textBox,
                      labels: labels, legend: legend, count: count };
  document.addEventListener("DOMContentLoaded", function () {
    var el = document.querySelector("[data-area-map]");
    if (el) { areaMap(el).catch(function () {}); }
  });
})(window);
