// Registering a lead (登记线索): the phone's position on request, photos uploaded as they
// are chosen (their digests joined in #photos).
(function () {
  'use strict';
  var where = document.getElementById('where');
  document.getElementById('locate').addEventListener('click', function () {
    if (!navigator.geolocation) { where.firstChild.textContent = '浏览器不支持定位 '; return; }
    navigator.geolocation.getCurrentPosition(function (p) {
      document.getElementById('lon').value = p.coords.longitude.toFixed(6);
      document.getElementById('lat').value = p.coords.latitude.toFixed(6);
      where.firstChild.textContent = '已定位：' + p.coords.longitude.toFixed(5) + '，' + p.coords.latitude.toFixed(5) + ' ';
    }, function () { where.firstChild.textContent = '定位失败，请填写地点 '; });
  });
  document.getElementById('photo-files').addEventListener('change', function (ev) {
    var state = document.getElementById('photo-state'), field = document.getElementById('photos');
    Array.prototype.forEach.call(ev.target.files, function (f) {
      state.textContent = '正在上传…';
      window.Xiezhi.upload(f)
        .then(function (j) { field.value = field.value ? field.value + ',' + j.digest : j.digest;
          state.textContent = '已上传 ' + field.value.split(',').length + ' 张照片'; })
        .catch(function (e) { state.textContent = '上传失败：' + (e.message || ''); });
    });
  });
})();
