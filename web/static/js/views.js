// Draws the views of a page: ECharts for [data-chart-src], Leaflet for [data-geojson-src].
// Each element already shows its numbers as a table (or a GeoJSON link), so a reader
// without JavaScript loses nothing but the picture.
(function () {
  'use strict';
  const font = { fontFamily: 'Sarabun, Tahoma, sans-serif' };
  const palette = ['#1b4f8a', '#d9822b', '#2e8540', '#8c3b9e', '#b3261e', '#0f7c90', '#6b6b00'];

  function chartOption(type, data, title) {
    const label = data.aggregate === 'count' ? 'count' : data.aggregate + '(' + (data.y_field || '') + ')';
    if (type === 'pie') {
      return {
        textStyle: font, color: palette, tooltip: { trigger: 'item' }, legend: { type: 'scroll', bottom: 0 },
        series: [{ type: 'pie', radius: '60%', name: title,
                   data: data.x.map((x, i) => ({ name: String(x), value: data.y[i] })) }],
      };
    }
    if (type === 'scatter') {
      return {
        textStyle: font, color: palette, tooltip: { trigger: 'item' },
        xAxis: { type: 'value', name: data.x_label, scale: true },
        yAxis: { type: 'value', name: data.y_field, scale: true },
        series: [{ type: 'scatter', data: data.x.map((x, i) => [x, data.y[i]]) }],
      };
    }
    return {
      textStyle: font, color: palette, tooltip: { trigger: 'axis' }, grid: { containLabel: true, left: 8, right: 16 },
      xAxis: { type: 'category', data: data.x.map(String), name: data.x_label, axisLabel: { rotate: data.x.length > 8 ? 30 : 0 } },
      yAxis: { type: 'value', name: label },
      series: [{ type: type === 'line' ? 'line' : 'bar', data: data.y, name: label }],
    };
  }

  async function drawChart(el) {
    if (!window.echarts) return;
    try {
      const res = await fetch(el.dataset.chartSrc, { credentials: 'same-origin' });
      if (!res.ok) throw new Error('HTTP ' + res.status);
      const data = await res.json();
      const chart = window.echarts.init(el, null, { renderer: 'canvas' });
      chart.setOption(chartOption(el.dataset.chartType, data, el.dataset.title || ''));
      window.addEventListener('resize', () => chart.resize());
      el.dataset.ready = String(data.x.length);
    } catch (e) {
      el.dataset.error = String(e);
    }
  }

  function popup(props) {
    const rows = Object.keys(props).slice(0, 12).map((k) => {
      const tr = document.createElement('tr');
      const th = document.createElement('th');
      const td = document.createElement('td');
      th.textContent = k;
      td.textContent = props[k] === null ? '' : String(props[k]);
      tr.append(th, td);
      return tr;
    });
    const table = document.createElement('table');
    table.append(...rows);
    return table;
  }

  async function drawMap(el) {
    if (!window.L) return;
    try {
      const res = await fetch(el.dataset.geojsonSrc, { credentials: 'same-origin' });
      if (!res.ok) throw new Error('HTTP ' + res.status);
      const data = await res.json();
      const map = window.L.map(el, { scrollWheelZoom: false });
      window.L.tileLayer(el.dataset.tiles, { maxZoom: 18, attribution: el.dataset.attribution }).addTo(map);
      const layer = window.L.geoJSON(data, {
        pointToLayer: (f, latlng) => window.L.circleMarker(latlng, { radius: 6, color: palette[0], weight: 2 }),
        onEachFeature: (f, l) => l.bindPopup(() => popup(f.properties || {})),
      }).addTo(map);
      const bounds = layer.getBounds();
      if (bounds.isValid()) map.fitBounds(bounds.pad(0.1)); else map.setView([13.75, 100.5], 5);
      el.dataset.ready = String(data.features.length);
    } catch (e) {
      el.dataset.error = String(e);
    }
  }

  function start() {
    document.querySelectorAll('[data-chart-src]').forEach(drawChart);
    document.querySelectorAll('[data-geojson-src]').forEach(drawMap);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start); else start();
})();
