// workD's request form: the address pickers. Without JavaScript the province, amphoe and tambon
// are plain text inputs and the server checks them; with it, each input offers the choices of
// the level above (a <datalist> from /workd/address-data.json, the data the server checks with)
// and the postcode is filled in when the tambon has one.
(function () {
  "use strict";
  var form = document.getElementById("workd-form");
  if (!form || !window.fetch) return;
  var province = form.querySelector("#province");
  var amphoe = form.querySelector("#amphoe");
  var tambon = form.querySelector("#tambon");
  var postcode = form.querySelector("#postcode");
  if (!province || !amphoe || !tambon || !postcode) return;

  function list(input, id) {
    var dl = document.createElement("datalist");
    dl.id = id;
    input.setAttribute("list", id);
    input.parentNode.appendChild(dl);
    return dl;
  }
  function fill(dl, names) {
    while (dl.firstChild) dl.removeChild(dl.firstChild);
    names.forEach(function (n) {
      var o = document.createElement("option");
      o.value = n;
      dl.appendChild(o);
    });
  }
  function find(items, name) {
    name = (name || "").trim();
    for (var i = 0; i < items.length; i++) if (items[i][0] === name) return items[i];
    return null;
  }

  fetch("/workd/address-data.json", { credentials: "same-origin" })
    .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
    .then(function (data) {
      var pl = list(province, "workd-provinces");
      var al = list(amphoe, "workd-amphoes");
      var tl = list(tambon, "workd-tambons");
      fill(pl, data.provinces.map(function (p) { return p[0]; }));
      function update() {
        var p = find(data.provinces, province.value);
        fill(al, p ? p[1].map(function (a) { return a[0]; }) : []);
        var a = p ? find(p[1], amphoe.value) : null;
        fill(tl, a ? a[1].map(function (t) { return t[0]; }) : []);
        var t = a ? find(a[1], tambon.value) : null;
        if (t && t[1].length === 1 && !postcode.value) postcode.value = t[1][0];
      }
      [province, amphoe, tambon].forEach(function (el) {
        el.addEventListener("change", update);
        el.addEventListener("input", update);
      });
      tambon.addEventListener("change", function () {
        var p = find(data.provinces, province.value);
        var a = p ? find(p[1], amphoe.value) : null;
        var t = a ? find(a[1], tambon.value) : null;
        if (t && t[1].length === 1) postcode.value = t[1][0];
      });
      update();
    })
    .catch(function () { /* plain inputs: the server checks them */ });
})();
