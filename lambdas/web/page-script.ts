/**
 * The one script of the pages, served as a static file (`/assets/tertial.js`): the CSP
 * allows no inline script. On a status page it asks the server what the signed-in
 * person may do for the page's committee and, for an open tertial, offers the upload
 * (drag and drop or a file picker), and to the secretary the close and the template
 * upload. Each sends the file straight to the uploads bucket with a presigned POST the
 * server issues (`/api/presign`), then waits for the receipt and shows it.
 *
 * Plain browser JavaScript (no build step, no libraries); it builds the DOM with
 * `textContent`, never with markup from strings.
 */
import { KEY_PREFIXES } from '../core/keys.js';

export const PAGE_SCRIPT_PATH = '/assets/tertial.js';

export const PAGE_SCRIPT = String.raw`'use strict';
(function () {
  var root = document.getElementById('tertial-actions');
  if (!root) return;
  var committee = root.getAttribute('data-committee');
  var year = root.getAttribute('data-year');
  var tertial = root.getAttribute('data-tertial');
  var state = root.getAttribute('data-state');
  var periodPath = committee + '/' + year + '/T' + tertial + '/';
  var RECEIPT_WAIT_MS = 120000;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function query(params) {
    return Object.keys(params).map(function (k) { return encodeURIComponent(k) + '=' + encodeURIComponent(params[k]); }).join('&');
  }
  function objectUrl(key) { return '/' + key.split('/').map(encodeURIComponent).join('/'); }

  function readJson(url) {
    return fetch(url, { credentials: 'same-origin', cache: 'no-store' }).then(function (response) {
      if (response.status === 404) return undefined;
      return response.json().then(function (body) {
        if (!response.ok) throw new Error((body && body.message) || ('Servern svarade ' + response.status + '.'));
        return body;
      });
    });
  }

  function send(kind, file, name) {
    var params = { kind: kind, committee: committee, year: year, tertial: tertial };
    if (name) params.name = name;
    return readJson('/api/presign?' + query(params)).then(function (post) {
      var form = new FormData();
      Object.keys(post.fields).forEach(function (field) { form.append(field, post.fields[field]); });
      form.append('file', file, name || 'file');
      return fetch(post.url, { method: 'POST', body: form }).then(function (response) {
        if (!response.ok && response.status !== 204) throw new Error('Filen kunde inte skickas (S3 svarade ' + response.status + ').');
        return post.key;
      });
    });
  }

  /** Waits until the receipt at key is newer than before: a later receivedAt, as an instant (offsets differ across summer time). */
  function awaitReceipt(key, before) {
    var started = Date.now();
    return new Promise(function (resolve, reject) {
      (function poll() {
        readJson(objectUrl(key)).then(function (receipt) {
          if (receipt && (!before || !(Date.parse(receipt.receivedAt) <= Date.parse(before.receivedAt)))) return resolve(receipt);
          if (Date.now() - started > RECEIPT_WAIT_MS) return reject(new Error('Inget kvitto ännu. Ladda om sidan om en stund.'));
          setTimeout(poll, 1000);
        }, reject);
      })();
    });
  }

  function showReceipt(out, receipt, htmlKey) {
    out.textContent = '';
    var ok = receipt.status === 'accepted' || receipt.status === 'closed';
    out.appendChild(el('p', { 'class': 'status ' + (ok ? 'ok' : 'bad') }, ok ? '✓ ' + (receipt.status === 'closed' ? 'Stängd' : 'Mottagen') : '✗ Inte mottagen'));
    out.appendChild(el('p', { 'class': 'message' }, receipt.message));
    (receipt.errors || []).forEach(function (e) { out.appendChild(el('p', {}, e.message)); });
    // Warnings do not refuse the file, but the message points at them ("se nedan").
    var warnings = receipt.warnings || [];
    if (warnings.length > 0) {
      out.appendChild(el('h4', {}, warnings.length === 1 ? 'Varning' : 'Varningar'));
      warnings.forEach(function (w) { out.appendChild(el('p', { 'class': 'warning' }, w.message)); });
    }
    if (htmlKey) {
      var a = el('a', { href: objectUrl(htmlKey) }, 'Öppna kvittot');
      out.appendChild(el('p')).appendChild(a);
    }
    var reload = el('a', { href: location.pathname }, 'Ladda om statussidan');
    out.appendChild(el('p')).appendChild(reload);
  }

  function run(out, work) {
    out.textContent = '';
    out.appendChild(el('p', { 'class': 'progress' }, 'Skickar …'));
    work().catch(function (error) {
      out.textContent = '';
      out.appendChild(el('p', { 'class': 'notice', role: 'alert' }, error.message));
    });
  }

  function uploadForm(view) {
    var form = el('form', { 'aria-labelledby': 'ladda-upp' });
    form.appendChild(el('h3', { id: 'ladda-upp' }, 'Ladda upp en fil'));
    var zone = el('div', { 'class': 'dropzone' });
    zone.appendChild(el('p', {}, 'Dra en arbetsbok (.xlsx) eller CSV-fil hit, eller välj den.'));
    var label = el('label', { 'for': 'upload-file' }, 'Fil att ladda upp');
    var input = el('input', { id: 'upload-file', type: 'file', accept: '.xlsx,.csv' });
    zone.appendChild(label);
    zone.appendChild(input);
    form.appendChild(zone);
    var out = el('div', { 'aria-live': 'polite', id: 'upload-result' });
    form.appendChild(out);
    function upload(file) {
      run(out, function () {
        var receiptKey = '${KEY_PREFIXES.receipts}' + periodPath + file.name + '.json';
        return readJson(objectUrl(receiptKey)).then(function (before) {
          return send('upload', file, file.name).then(function () {
            out.firstChild.textContent = 'Filen är skickad. Väntar på kvittot …';
            return awaitReceipt(receiptKey, before);
          });
        }).then(function (receipt) { showReceipt(out, receipt, '${KEY_PREFIXES.receipts}' + periodPath + file.name + '.html'); });
      });
    }
    input.addEventListener('change', function () { if (input.files && input.files[0]) upload(input.files[0]); });
    zone.addEventListener('dragover', function (e) { e.preventDefault(); zone.classList.add('over'); });
    zone.addEventListener('dragleave', function () { zone.classList.remove('over'); });
    zone.addEventListener('drop', function (e) {
      e.preventDefault();
      zone.classList.remove('over');
      if (e.dataTransfer && e.dataTransfer.files[0]) upload(e.dataTransfer.files[0]);
    });
    form.addEventListener('submit', function (e) { e.preventDefault(); });
    return form;
  }

  function closeForm() {
    var form = el('form', { 'aria-labelledby': 'stang' });
    form.appendChild(el('h3', { id: 'stang' }, 'Stäng tertialen'));
    form.appendChild(el('p', {}, 'När tertialen stängs skapas nämndens dokument av filerna som ingår i rapporten. Nya filer tas sedan inte emot.'));
    form.appendChild(el('label', { 'for': 'meeting-date' }, 'Sammanträdesdatum'));
    var meeting = el('input', { id: 'meeting-date', type: 'date' });
    form.appendChild(meeting);
    form.appendChild(el('label', { 'for': 'diarienummer' }, 'Diarienummer'));
    var diarienummer = el('input', { id: 'diarienummer', type: 'text', maxlength: '100' });
    form.appendChild(diarienummer);
    form.appendChild(el('br'));
    form.appendChild(el('button', { type: 'submit' }, 'Stäng tertialen'));
    var out = el('div', { 'aria-live': 'polite', id: 'close-result' });
    form.appendChild(out);
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var body = {};
      if (meeting.value) body.meetingDate = meeting.value;
      if (diarienummer.value.trim()) body.diarienummer = diarienummer.value.trim();
      var receiptKey = '${KEY_PREFIXES.receipts}' + periodPath + 'stangning.json';
      run(out, function () {
        return readJson(objectUrl(receiptKey)).then(function (before) {
          var file = new Blob([JSON.stringify(body)], { type: 'application/json' });
          return send('close', file).then(function () {
            out.firstChild.textContent = 'Stängningen är skickad. Väntar på kvittot …';
            return awaitReceipt(receiptKey, before);
          });
        }).then(function (receipt) { showReceipt(out, receipt, 'receipts/' + periodPath + 'stangning.html'); });
      });
    });
    return form;
  }

  function templateForm() {
    var form = el('form', { 'aria-labelledby': 'mall' });
    form.appendChild(el('h3', { id: 'mall' }, 'Ladda upp nämndens mall'));
    form.appendChild(el('label', { 'for': 'template-file' }, 'Mall (.docx)'));
    var input = el('input', { id: 'template-file', type: 'file', accept: '.docx' });
    form.appendChild(input);
    var out = el('div', { 'aria-live': 'polite', id: 'template-result' });
    form.appendChild(out);
    input.addEventListener('change', function () {
      var file = input.files && input.files[0];
      if (!file) return;
      var receiptKey = '${KEY_PREFIXES.templateReceipts}' + committee + '.docx.json';
      run(out, function () {
        return readJson(objectUrl(receiptKey)).then(function (before) {
          return send('template', file).then(function () {
            out.firstChild.textContent = 'Mallen är skickad. Väntar på kvittot …';
            return awaitReceipt(receiptKey, before);
          });
        }).then(function (receipt) { showReceipt(out, receipt); });
      });
    });
    return form;
  }

  readJson('/api/session?' + query({ committee: committee, year: year, tertial: tertial })).then(function (view) {
    if (!view) return;
    root.textContent = '';
    root.appendChild(el('h2', { id: 'atgarder' }, 'Ladda upp och stäng'));
    root.appendChild(el('p', { 'class': 'muted' }, 'Inloggad som ' + view.name + '.'));
    if (state === 'closed') {
      root.appendChild(el('p', {}, 'Tertialen är stängd; inga filer tas emot.'));
    } else {
      if (view.canUpload) root.appendChild(uploadForm(view));
      if (view.canClose) root.appendChild(closeForm());
    }
    if (view.canUploadTemplate) root.appendChild(templateForm());
    if (!view.canUpload) root.appendChild(el('p', {}, 'Du kan läsa sidan men inte ladda upp filer för nämnden.'));
    root.hidden = false;
  }, function () { /* a page opened outside the web server: nothing to offer */ });
})();
`;
