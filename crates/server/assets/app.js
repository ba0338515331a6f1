// Xiezhi: the scripts every page shares. Served from /assets (the Content-Security-Policy
// runs no inline script); what a script needs from the page is in the page's markup:
// <meta name="csrf-token">, <body data-signed-in>, data-kept, data-search, data-digest.
(function () {
  'use strict';

  // What page scripts share: the anti-forgery token and uploading a file (the answer is the
  // stored file, with its SM3 digest; a refusal is thrown as the error body).
  var csrf = document.querySelector('meta[name=csrf-token]');
  window.Xiezhi = {
    csrf: csrf ? csrf.content : '',
    upload: function (file) {
      return fetch('/api/v1/attachments', {method: 'POST', body: file, credentials: 'same-origin',
        headers: {'X-CSRF-Token': window.Xiezhi.csrf, 'Content-Type': 'application/octet-stream'}})
        .then(function (r) { return r.json().then(function (j) { if (!r.ok) throw j; return j; }); });
    }
  };

  // A refused form comes back filled in, its <details> open, the message next to the field.
  // The banner #form-error carries what was typed in data-kept (JSON).
  (function () {
    var banner = document.getElementById('form-error');
    if (!banner || !banner.dataset.kept) return;
    var k = JSON.parse(banner.dataset.kept);
    var form = [].filter.call(document.forms, function (f) {
      return new URL(f.action, location.href).pathname === k.action;
    })[0];
    if (!form) return;
    for (var d = form.parentElement; d; d = d.parentElement) if (d.tagName === 'DETAILS') d.open = true;
    var used = {};
    k.values.forEach(function (pair) {
      var name = pair[0], value = pair[1];
      var all = form.querySelectorAll('[name="' + CSS.escape(name) + '"]');
      var boxes = [].filter.call(all, function (e) { return e.type === 'checkbox' || e.type === 'radio'; });
      if (boxes.length) { boxes.forEach(function (b) { if (b.value === value) b.checked = true; }); return; }
      var i = used[name] || 0; used[name] = i + 1;
      var e = all[i];
      if (e && e.type !== 'file' && e.type !== 'hidden') e.value = value;
    });
    var field = k.field && form.querySelector('[name="' + CSS.escape(k.field) + '"]');
    var p = document.createElement('p');
    p.className = 'error'; p.setAttribute('role', 'alert'); p.textContent = k.message;
    if (field) {
      field.setAttribute('aria-invalid', 'true');
      (field.closest('label') || field).insertAdjacentElement('afterend', p);
      field.focus();
    } else {
      form.insertBefore(p, form.firstChild);
      form.scrollIntoView();
    }
    banner.hidden = true;
  })();

  // The rest is for signed-in pages only.
  if (!document.body.hasAttribute('data-signed-in')) return;

  // Live notices: an instruction or a receipt shows as a toast on any open page.
  (function () {
    if (!window.EventSource) return;
    var box = document.getElementById('live-toast');
    if (!box) return;
    function toast(title, text, href) {
      var d = document.createElement('div'); d.className = 'toast'; d.setAttribute('role', 'alert');
      var t = document.createElement('strong'); t.textContent = title; d.appendChild(t);
      var a = document.createElement('a'); a.href = href; a.textContent = text; d.appendChild(a);
      box.appendChild(d);
    }
    var es = new EventSource('/api/v1/live');
    es.addEventListener('instruction', function (e) {
      var n = JSON.parse(e.data); toast('新指令，请立即签收', n.text, '/instructions/' + n.id);
    });
    es.addEventListener('receipt', function (e) {
      var n = JSON.parse(e.data); toast('指令回执：' + n.text, '查看指令 ' + n.id, '/instructions/' + n.id);
    });
    window.addEventListener('beforeunload', function () { es.close(); });
  })();

  // A long choice list gets a box that narrows it by name or pinyin initials (城东 or cd).
  document.querySelectorAll('[data-search]').forEach(function (list) {
    var box = document.createElement('input');
    box.type = 'search'; box.className = 'pick-filter';
    box.placeholder = '输入名称或拼音首字母筛选';
    box.setAttribute('aria-label', '筛选' + list.dataset.search);
    list.insertAdjacentElement('beforebegin', box);
    var items = list.tagName === 'SELECT' ? list.options : list.querySelectorAll('label');
    box.addEventListener('input', function () {
      var q = box.value.trim().toLowerCase();
      [].forEach.call(items, function (o) {
        if (o.tagName === 'OPTION' && o.value === '') return;
        var hay = (o.textContent + ' ' + (o.dataset.py || '')).toLowerCase();
        o.hidden = q !== '' && hay.indexOf(q) < 0;
      });
      if (list.tagName === 'SELECT') {
        var shown = [].filter.call(items, function (o) { return o.value && !o.hidden; });
        if (shown.length === 1) list.value = shown[0].value;
      }
    });
  });

  // A file chosen in an upload form goes up at once; the form then carries its SM3 digest
  // in the hidden field the input's data-digest names.
  document.querySelectorAll('.upload-form input[type=file]').forEach(function (input) {
    input.addEventListener('change', function () {
      var f = input.files[0]; if (!f) return;
      var target = input.form.querySelector('input[name=' + input.dataset.digest + ']');
      Xiezhi.upload(f)
        .then(function (j) { target.value = j.digest; input.setCustomValidity(''); })
        .catch(function (e) { input.setCustomValidity(e.message || '上传失败'); input.reportValidity(); });
    });
  });
})();
