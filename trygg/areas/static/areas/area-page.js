// The area page's map (kept out of the template: the Content-Security-Policy allows no inline script).
"use strict";
TryggMap.areaMap(document.getElementById("area-map"));
