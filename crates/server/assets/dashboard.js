// The command dashboard (指挥大屏): the figures refresh when anything is recorded.
(function () {
  'use strict';
  if (!window.EventSource) return;
  var es = new EventSource('/api/v1/live'), timer = null;
  es.addEventListener('record', function () {
    if (timer) return;
    timer = setTimeout(function () {
      timer = null;
      fetch(location.pathname, {credentials: 'same-origin'}).then(function (r) { return r.text(); }).then(function (html) {
        var now = new DOMParser().parseFromString(html, 'text/html').getElementById('figures');
        if (now) document.getElementById('figures').innerHTML = now.innerHTML;
      });
    }, 800);
  });
})();
