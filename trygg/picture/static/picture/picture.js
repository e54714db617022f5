/* The situation picture page: trend chart (Chart.js) and the map with its layers (Leaflet).
 * Tooltips are built from text nodes (TryggMap.textBox), in the UI language and number format. */
(function () {
  "use strict";
  var seriesEl = document.getElementById("series-data");  // a saved picture from before charts were kept has none
  var series = seriesEl ? JSON.parse(seriesEl.textContent) : null;
  var colours = { police: "#102a5c", est: "#d97706" };
  var names = { police: "Polis", est: "EST" };
  var canvas = document.getElementById("trend-chart");
  if (canvas && window.Chart && series) {
    var datasets = Object.keys(series.series).map(function (k) {
      return { label: names[k] || k, data: series.series[k], borderColor: colours[k] || "#555",
               backgroundColor: colours[k] || "#555", pointRadius: 0, borderWidth: 1.5, tension: 0 };
    });
    canvas._chart = new Chart(canvas, { type: "line", data: { labels: series.labels, datasets: datasets },
      options: { animation: false, responsive: true, interaction: { mode: "index", intersect: false },
                 scales: { y: { beginAtZero: true } } } });
    canvas.dataset.ready = "1";
  }

  var el = document.getElementById("picture-map");
  if (!el || !window.TryggMap) { return; }
  var t = TryggMap.t, fmt = TryggMap.fmt, box = TryggMap.textBox;
  var map = TryggMap.create(el);
  var url = function (name) { return el.dataset.layers.replace("LAYER", name); };
  /* ColorBrewer "Blues", 5 classes (Brewer & Harrower, colorbrewer2.org) */
  var PALETTE = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"];
  var NO_DATA = "#eeeeee";
  function classOf(value, breaks) {
    if (value === null || value === undefined || !breaks.length) { return -1; }
    for (var i = 0; i < breaks.length; i++) { if (value <= breaks[i] + 1e-12) { return i; } }
    return breaks.length - 1;
  }
  function paletteFor(n) {  // spread n ≤ 5 classes over the palette
    if (n <= 1) { return [PALETTE[2]]; }
    var out = [];
    for (var i = 0; i < n; i++) { out.push(PALETTE[Math.round(i * (PALETTE.length - 1) / (n - 1))]); }
    return out;
  }
  var overlays = {}, loaded = 0, want = 4;
  var control = L.control.layers(null, {}, { collapsed: el.clientWidth < 600 }).addTo(map);
  function done(name, layer, show) {
    overlays[name] = layer;
    control.addOverlay(layer, el.dataset["l" + name.charAt(0).toUpperCase() + name.slice(1)] || name);
    if (show) { layer.addTo(map); }
    el.dataset["count" + name.charAt(0).toUpperCase() + name.slice(1)] = String(layer.getLayers().length);
    loaded += 1;
    if (loaded === want) { el.dataset.ready = "1"; }
  }
  var legendRows = [];
  TryggMap.loadJSON(url("choropleth")).then(function (fc) {
    var breaks = (fc.properties && fc.properties.breaks) || [];
    var pal = paletteFor(breaks.length);
    var layer = L.geoJSON(fc, {
      style: function (f) {
        var d = f.properties.direction;
        var k = classOf(f.properties.eb_rate, breaks);
        return { color: d === "up" ? "#b3261e" : d === "down" ? "#1b7f3a" : "#555", weight: d ? 4 : 1,
                 fillColor: k < 0 ? NO_DATA : pal[k], fillOpacity: 0.6 };
      },
      onEachFeature: function (f, l) {
        var p = f.properties;
        var arrow = p.direction === "up" ? " ▲ " + t("rise") : p.direction === "down" ? " ▼ " + t("fall") : "";
        l.bindTooltip(box([
          { text: p.name, strong: true },
          TryggMap.count(p.count, "event", "events") + " (" + t("comparison") + ": " + fmt(p.comparison_count, 0) + ")" + arrow,
          p.rate !== null ? fmt(p.rate, 2) + " " + t("per_1000") : t("no_population"),
          p.eb_rate !== null ? fmt(p.eb_rate, 2) + " " + t("smoothed") : null
        ]));
      }
    });
    done("choropleth", layer, true);
    TryggMap.labels(map, layer, function (f) { return f.properties.name; });
    var lo = 0;
    breaks.forEach(function (b, i) {
      legendRows.push({ colour: pal[i], text: (i === 0 ? "≤ " + fmt(b, 2) : fmt(lo, 2) + "–" + fmt(b, 2)) });
      lo = b;
    });
    if (layer.getLayers().length) { map.fitBounds(layer.getBounds(), { padding: [10, 10] }); }
  }).then(function () {
    return TryggMap.loadJSON(url("est")).then(function (fc) {
      done("est", L.geoJSON(fc, { pointToLayer: function (f, ll) {
        return L.circleMarker(ll, { radius: 4, color: "#d97706", weight: 1, fillOpacity: 0.8 })
          .bindTooltip(box([{ text: f.properties.label, strong: true }, f.properties.date])); } }), true);
    });
  }).then(function () {
    return TryggMap.loadJSON(url("hotspots")).then(function (fc) {
      done("hotspots", L.geoJSON(fc, { style: { color: "#b3261e", weight: 1, fillColor: "#b3261e", fillOpacity: 0.45 },
        onEachFeature: function (f, l) {
          var p = f.properties;
          l.bindTooltip(box([
            { text: t("hotspot_title") + " (Gi* z = " + fmt(p.z, 2) + ")", strong: true },
            TryggMap.count(p.count, "event", "events") + " " + t("in_cell") + ", " + fmt(p.neighbourhood, 0) + " " + t("in_neighbourhood"),
            t("p_fdr") + " = " + fmt(p.p_adj, 4),
            p.kde_per_km2 !== null ? fmt(p.kde_per_km2, 1) + " " + t("density") : null
          ]));
        } }), true);
    });
  }).then(function () {
    return TryggMap.loadJSON(url("police")).then(function (fc) {
      done("police", L.geoJSON(fc, { pointToLayer: function (f, ll) {
        return L.circleMarker(ll, { radius: 4 + Math.sqrt(f.properties.count) * 2, color: "#102a5c", weight: 2, fillOpacity: 0.3 })
          .bindTooltip(box([{ text: f.properties.name, strong: true }, TryggMap.count(f.properties.count, "event", "events")])); } }), true);
    });
  }).then(function () {
    legendRows.push({ colour: "transparent", border: "#b3261e", shape: "line", text: t("rise") });
    legendRows.push({ colour: "transparent", border: "#1b7f3a", shape: "line", text: t("fall") });
    legendRows.push({ colour: "#d97706", shape: "dot", text: t("est_report") });
    legendRows.push({ colour: "#b3261e", text: t("hotspot") });
    legendRows.push({ colour: "rgba(16,42,92,0.3)", border: "#102a5c", shape: "dot", text: t("police_place") });
    TryggMap.legend(map, t("legend_rate"), legendRows);
  }).catch(function (err) { el.dataset.error = String(err); });
})();
