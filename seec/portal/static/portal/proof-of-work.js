/* The report form's proof of work (seec/portal/proof_of_work.py): find a number such that
   SHA-256("<salt>:<number>") starts with <bits> zero bits, put it in the form, then let the
   form go. Served by the platform itself; no third party. Uses the browser's Web Crypto where
   the page is a secure context, else a small SHA-256 of its own. */
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form) { return; }
  var salt = form.getAttribute("data-pow-salt");
  var bits = parseInt(form.getAttribute("data-pow-bits"), 10);
  var field = document.getElementById("pow-solution");
  var status = document.getElementById("pow-status");
  var solution = null;
  var sendWhenSolved = false;
  var encoder = new TextEncoder();

  function zeroBits(bytes) {
    var count = 0;
    for (var i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0) { count += 8; continue; }
      var b = bytes[i];
      while ((b & 0x80) === 0) { count++; b <<= 1; }
      return count;
    }
    return count;
  }

  /* SHA-256 (FIPS 180-4) for pages outside a secure context, where Web Crypto is absent. */
  var K = [0x428a2f98,0x71374491,0xb5c0fbcf,0xe9b5dba5,0x3956c25b,0x59f111f1,0x923f82a4,0xab1c5ed5,
    0xd807aa98,0x12835b01,0x243185be,0x550c7dc3,0x72be5d74,0x80deb1fe,0x9bdc06a7,0xc19bf174,
    0xe49b69c1,0xefbe4786,0x0fc19dc6,0x240ca1cc,0x2de92c6f,0x4a7484aa,0x5cb0a9dc,0x76f988da,
    0x983e5152,0xa831c66d,0xb00327c8,0xbf597fc7,0xc6e00bf3,0xd5a79147,0x06ca6351,0x14292967,
    0x27b70a85,0x2e1b2138,0x4d2c6dfc,0x53380d13,0x650a7354,0x766a0abb,0x81c2c92e,0x92722c85,
    0xa2bfe8a1,0xa81a664b,0xc24b8b70,0xc76c51a3,0xd192e819,0xd6990624,0xf40e3585,0x106aa070,
    0x19a4c116,0x1e376c08,0x2748774c,0x34b0bcb5,0x391c0cb3,0x4ed8aa4a,0x5b9cca4f,0x682e6ff3,
    0x748f82ee,0x78a5636f,0x84c87814,0x8cc70208,0x90befffa,0xa4506ceb,0xbef9a3f7,0xc67178f2];
  function rotr(x, n) { return (x >>> n) | (x << (32 - n)); }
  function sha256(message) {
    var length = message.length;
    var total = ((length + 9 + 63) >> 6) << 6;
    var data = new Uint8Array(total);
    data.set(message);
    data[length] = 0x80;
    var view = new DataView(data.buffer);
    view.setUint32(total - 4, length * 8);
    var h = [0x6a09e667,0xbb67ae85,0x3c6ef372,0xa54ff53a,0x510e527f,0x9b05688c,0x1f83d9ab,0x5be0cd19];
    var w = new Array(64);
    for (var offset = 0; offset < total; offset += 64) {
      for (var t = 0; t < 16; t++) { w[t] = view.getUint32(offset + t * 4); }
      for (t = 16; t < 64; t++) {
        var s0 = rotr(w[t-15], 7) ^ rotr(w[t-15], 18) ^ (w[t-15] >>> 3);
        var s1 = rotr(w[t-2], 17) ^ rotr(w[t-2], 19) ^ (w[t-2] >>> 10);
        w[t] = (w[t-16] + s0 + w[t-7] + s1) | 0;
      }
      var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
      for (t = 0; t < 64; t++) {
        var S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
        var t1 = (k + S1 + ((e & f) ^ (~e & g)) + K[t] + w[t]) | 0;
        var S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
        var t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
        k = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      h[0] = (h[0] + a) | 0; h[1] = (h[1] + b) | 0; h[2] = (h[2] + c) | 0; h[3] = (h[3] + d) | 0;
      h[4] = (h[4] + e) | 0; h[5] = (h[5] + f) | 0; h[6] = (h[6] + g) | 0; h[7] = (h[7] + k) | 0;
    }
    var out = new Uint8Array(32);
    var outView = new DataView(out.buffer);
    for (t = 0; t < 8; t++) { outView.setUint32(t * 4, h[t]); }
    return out;
  }

  var subtle = window.crypto && window.crypto.subtle;
  function digest(bytes) {
    if (subtle) {
      return subtle.digest("SHA-256", bytes).then(function (d) { return new Uint8Array(d); });
    }
    return Promise.resolve(sha256(bytes));
  }

  function solved(number) {
    solution = String(number);
    field.value = solution;
    status.textContent = form.getAttribute("data-pow-done") || "";
    if (sendWhenSolved) { form.submit(); }
  }

  function search(start) {
    var number = start;
    function step() {
      return digest(encoder.encode(salt + ":" + number)).then(function (d) {
        if (zeroBits(d) >= bits) { solved(number); return; }
        number += 1;
        if (number % 2000 === 0) { setTimeout(step, 0); return; }
        return step();
      });
    }
    return step();
  }

  form.addEventListener("submit", function (event) {
    if (solution !== null) { return; }
    event.preventDefault();
    sendWhenSolved = true;
    status.textContent = form.getAttribute("data-pow-working") || "";
  });
  search(0);
}());
