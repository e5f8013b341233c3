/* The SOS admin live map: Leaflet from static files, tiles from LIFELINE_MAP_TILES_URL (empty:
   none), markers drawn as vectors (no image downloads). Without tiles — not configured, or the
   tile server unreachable — the map still has a scale, the legend and outlined markers. */
(function () {
  "use strict";
  var section = document.querySelector("[data-sos-map]");
  var data = JSON.parse(document.getElementById("sos-map-data").textContent);
  var container = document.getElementById("sos-map");
  var map = L.map(container, { preferCanvas: false });
  function withoutTiles() {
    container.classList.add("sos-map--no-tiles");
    document.getElementById("sos-map-no-tiles").hidden = false;
  }
  if (data.tile_url) {
    L.tileLayer(data.tile_url, {
      maxZoom: 19,
      attribution: data.tile_attribution,
      // The site sends no Referer (same-origin policy); tile servers such as OSM's ask for one.
      referrerPolicy: "strict-origin-when-cross-origin"
    }).once("tileerror", withoutTiles).addTo(map);
  }
  L.control.scale({ imperial: false }).addTo(map);
  var legend = document.getElementById("sos-map-legend");
  if (legend) {
    var legendControl = L.control({ position: "bottomleft" });
    legendControl.onAdd = function () { L.DomEvent.disableClickPropagation(legend); return legend; };
    legendControl.addTo(map);
  }
  var markers = {};
  var bounds = [];
  var OPEN = { NEW: true, ACCEPTED: true, ESCALATED: true };
  // The legend's colours (sos.css .sos-swatch--*); a white outline keeps markers readable on
  // tiles and on the plain background alike.
  var COLOURS = { NEW: "#b00020", ESCALATED: "#6a1b9a", ACCEPTED: "#ef6c00" };
  function dot(colour, radius) {
    return { radius: radius, color: "#ffffff", weight: 2, opacity: 1, fillColor: colour, fillOpacity: 0.9 };
  }

  function statusLabel(e) { return (data.status_labels || {})[e.status] || e.status; }
  function label(e) {
    var type = (data.type_labels || {})[e.detected_type] || e.detected_type;
    return [e.device_uid, statusLabel(e), type, e.user_phone].filter(Boolean).join(" · ");
  }

  function upsert(e) {
    var marker = markers[e.event_uid];
    if (!OPEN[e.status]) {
      if (marker) { map.removeLayer(marker); delete markers[e.event_uid]; }
      var item = document.querySelector('#sos-event-list [data-event-uid="' + e.event_uid + '"]');
      if (item) item.remove();
      return;
    }
    if (!marker) {
      marker = L.circleMarker([e.lat, e.lon], dot(COLOURS.NEW, 11)).addTo(map);
      markers[e.event_uid] = marker;
    }
    marker.setStyle({ fillColor: COLOURS[e.status] || COLOURS.NEW });
    marker.bindTooltip(label(e));
    marker.options.eventUid = e.event_uid;
    var path = marker.getElement();
    if (path) { path.setAttribute("data-event-uid", e.event_uid); path.setAttribute("data-status", e.status); }
    var list = document.getElementById("sos-event-list");
    var row = list.querySelector('[data-event-uid="' + e.event_uid + '"]');
    if (!row) {
      row = document.createElement("li");
      row.setAttribute("data-event-uid", e.event_uid);
      var link = document.createElement("a");
      link.href = "/sos/events/" + e.event_uid + "/";
      link.textContent = e.device_uid || e.event_uid;
      row.appendChild(link);
      row.appendChild(document.createTextNode(" · "));
      var status = document.createElement("span");
      status.setAttribute("data-status-of", e.event_uid);
      row.appendChild(status);
      list.insertBefore(row, list.firstChild);
    }
    row.querySelector("[data-status-of]").textContent = statusLabel(e);
  }

  data.events.forEach(function (e) { upsert(e); bounds.push([e.lat, e.lon]); });
  data.helpers.forEach(function (h) {
    L.circleMarker([h.lat, h.lon], dot("#2e7d32", 7)).bindTooltip(data.helper_label || "").addTo(map);
    bounds.push([h.lat, h.lon]);
  });
  data.devices.forEach(function (d) {
    L.circleMarker([d.lat, d.lon], dot(d.online ? "#1565c0" : "#757575", 6))
      .bindTooltip(d.device_uid).addTo(map);
    bounds.push([d.lat, d.lon]);
  });
  if (bounds.length) { map.fitBounds(bounds, { maxZoom: 15, padding: [30, 30] }); } else { map.setView([41.3111, 69.2406], 11); }

  var state = document.querySelector("[data-ws-state]");
  window.SosLive.connect(section.getAttribute("data-ws-path"), function (frame) {
    var e = frame.payload;
    upsert(e);
    if (frame.type === "sos_event") { map.panTo([e.lat, e.lon]); }
  }, function (up) { if (state) state.textContent = up ? "●" : "○"; state.setAttribute("data-connected", up ? "1" : "0"); });
})();
