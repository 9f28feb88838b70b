// The digit pad's only JavaScript: pointer strokes on the canvas (mouse, pen or finger), and the canvas's
// ink handed to .NET (DigitPad.OnInk) as one byte array: the alpha channel, 0 (none) to 255 (full ink).
// Everything else, the preprocessing, the network and the page, is C#.
window.digitPad = (() => {
  const state = new WeakMap();

  function attach(canvas, dotnet) {
    const ctx = canvas.getContext("2d", { willReadFrequently: true });
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.strokeStyle = "#111";
    ctx.fillStyle = "#111";
    // A stroke as wide as MNIST's pens: 2 of the 20 pixels a digit as tall as the pad is scaled to.
    ctx.lineWidth = canvas.width / 14;
    const s = { ctx, dotnet, drawing: false, last: null, busy: false, dirty: false, sent: 0 };
    state.set(canvas, s);
    canvas.dataset.readyMs = performance.now().toFixed(0);   // from navigation to a pad that draws

    const at = (e) => {
      const r = canvas.getBoundingClientRect();
      return { x: (e.clientX - r.left) * canvas.width / r.width, y: (e.clientY - r.top) * canvas.height / r.height };
    };
    canvas.addEventListener("pointerdown", (e) => {
      e.preventDefault();
      canvas.setPointerCapture(e.pointerId);
      s.drawing = true;
      s.last = at(e);
      ctx.beginPath();
      ctx.arc(s.last.x, s.last.y, ctx.lineWidth / 2, 0, 2 * Math.PI);
      ctx.fill();
      send(canvas);
    });
    canvas.addEventListener("pointermove", (e) => {
      if (!s.drawing) return;
      e.preventDefault();
      const p = at(e);
      ctx.beginPath();
      ctx.moveTo(s.last.x, s.last.y);
      ctx.lineTo(p.x, p.y);
      ctx.stroke();
      s.last = p;
      send(canvas);
    });
    const end = () => { if (s.drawing) { s.drawing = false; send(canvas); } };
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
  }

  // Live prediction without a queue: one call to .NET at a time; strokes drawn meanwhile are sent,
  // all together, as soon as it returns. The canvas's data-pending is "1" while ink waits for .NET, and
  // data-sent numbers the drawings sent; the page shows the number of the one it predicted (the tests
  // wait for the two to agree).
  async function send(canvas) {
    const s = state.get(canvas);
    if (s.busy) { s.dirty = true; return; }
    s.busy = true;
    canvas.dataset.pending = "1";
    try {
      do {
        s.dirty = false;
        const t0 = performance.now();
        const rgba = s.ctx.getImageData(0, 0, canvas.width, canvas.height).data;
        const ink = new Uint8Array(canvas.width * canvas.height);
        for (let i = 0; i < ink.length; i++) ink[i] = rgba[4 * i + 3];
        canvas.dataset.sent = String(++s.sent);
        await s.dotnet.invokeMethodAsync("OnInk", ink, canvas.width, canvas.height, performance.now() - t0, s.sent);
        // Milliseconds from navigation to the first prediction on this page, for the tests and the curious.
        if (!canvas.dataset.firstPredictionMs) canvas.dataset.firstPredictionMs = performance.now().toFixed(0);
      } while (s.dirty);
    } finally {
      s.busy = false;
      canvas.dataset.pending = "0";
    }
  }

  function clear(canvas) {
    const s = state.get(canvas);
    s.ctx.clearRect(0, 0, canvas.width, canvas.height);
    s.dirty = false;
  }

  return { attach, clear };
})();
