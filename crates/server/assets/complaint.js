// The public complaint form (我要投诉举报): the visitor may attach where they are.
(function () {
  'use strict';
  var locate = document.getElementById('locate');
  if (!locate) return;
  locate.addEventListener('click', function () {
    if (!navigator.geolocation) { return; }
    navigator.geolocation.getCurrentPosition(function (p) {
      document.getElementById('lon').value = p.coords.longitude.toFixed(6);
      document.getElementById('lat').value = p.coords.latitude.toFixed(6);
      document.getElementById('where').firstChild.textContent = '已附上当前位置 ';
    });
  });
})();
