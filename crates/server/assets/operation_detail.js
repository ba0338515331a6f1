// A joint operation's page: the field feed, the officers' check-ins and the status refresh
// when this operation (the id in #feed's data-operation) changes.
(function () {
  'use strict';
  if (!window.EventSource) return;
  var feed = document.getElementById('feed');
  if (!feed) return;
  var id = Number(feed.dataset.operation);
  var es = new EventSource('/api/v1/live');
  es.addEventListener('operation', function (e) {
    if (JSON.parse(e.data).id !== id) return;
    fetch(location.pathname, {credentials: 'same-origin'}).then(function (r) { return r.text(); }).then(function (html) {
      var doc = new DOMParser().parseFromString(html, 'text/html');
      ['feed', 'officers', 'status'].forEach(function (id) {
        var now = doc.getElementById(id), here = document.getElementById(id);
        if (now && here) here.innerHTML = now.innerHTML;
      });
    });
  });
})();
