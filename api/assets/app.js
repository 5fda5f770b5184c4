// The dashboard's script (hand-written; served by cmp-api as /assets/app.js).
// It only enhances: every page and table is complete without it. On a
// campaign page it follows the campaign's live feed (Server-Sent Events on
// /api/v1/campaigns/{id}/live, same origin, the session cookie) and
// rewrites the totals in place, formatted as the server formats them
// (Intl, en-CA or fr-CA); a button pauses and resumes the updates (WCAG
// 2.2.2). Its words come from the page's data-t-* attributes.
(function () {
  "use strict";
  var live = document.getElementById("live");
  if (!live || !window.EventSource || !window.Intl) { return; }
  var d = live.dataset;
  var locale = d.lang === "fr" ? "fr-CA" : "en-CA";
  var formats = {
    count: new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }),
    percent: new Intl.NumberFormat(locale, { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 }),
    money: new Intl.NumberFormat(locale, { style: "currency", currency: "CAD" })
  };
  var clock = new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });
  var zoned = new Intl.DateTimeFormat("en-CA", {
    timeZone: d.tz, year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", hourCycle: "h23"
  });
  var asOf = document.getElementById("as-of");
  var status = document.getElementById("live-status");
  var toggle = document.getElementById("live-toggle");
  var source = null;

  function fill(text, value) { return text.replace("{}", value); }

  // "2026-11-02 14:00" in the reporting time zone, as the server writes it.
  function minute(iso) {
    var p = {};
    zoned.formatToParts(new Date(iso)).forEach(function (x) { p[x.type] = x.value; });
    return p.year + "-" + p.month + "-" + p.day + " " + p.hour + ":" + p.minute;
  }

  function show(update) {
    var totals = update.totals;
    var hidden = totals.suppressed_kpis || [];
    live.querySelectorAll("[data-kpi]").forEach(function (dd) {
      var kpi = dd.dataset.kpi, format = dd.dataset.format, v = totals[kpi], text;
      if (hidden.indexOf(kpi) >= 0) { text = d.tSuppressed; }
      else if (v === null || v === undefined) { text = d.tNa; }
      else { text = formats[format].format(format === "money" ? v / 100 : v); }
      if (dd.textContent !== text) { dd.textContent = text; }
    });
    asOf.textContent = update.as_of ? fill(d.tLatest, minute(update.as_of)) : d.tNodata;
    status.textContent = fill(d.tUpdated, clock.format(new Date()));
  }

  function start() {
    source = new EventSource(d.liveSrc);
    source.addEventListener("update", function (e) { show(JSON.parse(e.data)); });
    toggle.textContent = d.tPause;
  }

  function stop() {
    source.close();
    source = null;
    toggle.textContent = d.tResume;
  }

  toggle.hidden = false;
  toggle.addEventListener("click", function () { if (source) { stop(); } else { start(); } });
  start();
}());
