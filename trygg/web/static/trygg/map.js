/* Trygg maps on Leaflet (served from the project, no CDN).
 * TryggMap.create(el) makes a map with optional base tiles from data-tiles;
 * TryggMap.areaMap(el) draws the area (data-geojson) with its children. */
(function (global) {
  "use strict";
  function create(el) {
    var map = L.map(el, { zoomSnap: 0.25 });
    var tiles = el.dataset.tiles;
    if (tiles) {
      L.tileLayer(tiles, { attribution: el.dataset.attribution || "", maxZoom: 19 }).addTo(map);
    }
    el._tryggMap = map;
    return map;
  }
  function loadJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error(url + ": " + r.status); }
      return r.json();
    });
  }
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
          layer.bindTooltip(f.properties.name);
          layer.on("click", function () { window.location = f.properties.url; });
        }
      }).addTo(map);
      map.fitBounds(area.getBounds(), { padding: [10, 10] });
      el.dataset.ready = "1";
      el.dataset.children = String(children.getLayers().length);
      return { map: map, area: area, children: children };
    }).catch(function (err) { el.dataset.error = String(err); throw err; });
  }
  global.TryggMap = { create: create, areaMap: areaMap, loadJSON: loadJSON };
})(window);
