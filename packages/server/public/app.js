// The draw-a-digit page. The drawing is turned into the model's input by @backprop/nn's own preprocessing
// (served at /assets/preprocess.js), so the browser does exactly what the training data went through.
import { imageToInput, rgbaToGray } from '/assets/preprocess.js';

const pad = document.getElementById('pad');
const pen = pad.getContext('2d', { willReadFrequently: true });
const preview = document.getElementById('input');
// Read back by tests and tools; the hint keeps Chrome from warning about repeated getImageData.
const previewPen = preview.getContext('2d', { willReadFrequently: true });
const digitOut = document.getElementById('digit');
const confidenceOut = document.getElementById('confidence');
const barsList = document.getElementById('bars');
const statusOut = document.getElementById('status');
const hiddenImg = document.getElementById('hidden');
const modelInfo = document.getElementById('model-info');

const BRUSH = pad.width * 0.075;
const PREDICT_EVERY_MS = 90;

let model = null; // GET /v1/models/default
let bars = []; // per class, in the model's class order (index k = classes[k]): { li, fill, value }
let inked = false;

// ---- model ----------------------------------------------------------------------------------------------------

async function loadModel() {
  let res;
  try {
    res = await fetch('/v1/models/default');
  } catch {
    setStatus('Server unreachable; retrying…');
    setTimeout(loadModel, 3000);
    return;
  }
  if (res.status === 503) {
    setStatus('The default model is being trained (first start). This takes a few seconds…');
    setTimeout(loadModel, 2000);
    return;
  }
  if (!res.ok) {
    const problem = await res.json().catch(() => ({}));
    setStatus(problem.detail ?? `Could not load the model (${res.status})`);
    return;
  }
  model = await res.json();
  if (!model.inputShape) {
    setStatus(`Model "${model.name}" has no image input shape; drawing needs a picture model.`);
    return;
  }
  buildBars(model.labelNames);
  hiddenImg.src = `/v1/models/default/hidden.png?v=${model.checksum.slice(0, 16)}`;
  const acc = model.accuracy.train;
  const t = model.training;
  modelInfo.textContent = [
    `Model "${model.name}": layers ${model.layers.join('–')}`,
    acc !== null ? `training accuracy ${(acc * 100).toFixed(1)}%` : null,
    t ? `${t.method.toUpperCase()}, λ = ${t.lambda}` : null,
  ].filter(Boolean).join(' · ');
  setStatus('Ready.');
  if (inked) schedulePredict(0);
}

hiddenImg.addEventListener('load', () => {
  document.getElementById('hidden-card').hidden = false;
});
hiddenImg.addEventListener('error', () => {
  document.getElementById('hidden-card').hidden = true;
});

// ---- bars ------------------------------------------------------------------------------------------------------

/** One bar per class, shown in reading order (0–9 for digits, whatever the label numbering). */
function buildBars(labelNames) {
  const order = labelNames.map((name, k) => ({ name, k }));
  if (order.every(({ name }) => /^-?\d+$/.test(name))) order.sort((a, b) => Number(a.name) - Number(b.name));
  barsList.replaceChildren();
  bars = new Array(labelNames.length);
  for (const { name, k } of order) {
    const li = document.createElement('li');
    li.dataset.label = name;
    li.innerHTML = '<span class="label"></span><span class="track"><span class="fill"></span></span><span class="value"></span>';
    li.querySelector('.label').textContent = name;
    barsList.append(li);
    bars[k] = { li, fill: li.querySelector('.fill'), value: li.querySelector('.value') };
  }
}

/** An answer of POST /v1/predict: `classes` and, per input, `label`, `probabilities` (summing to 1) and raw `scores`. */
function showPrediction(classes, p) {
  digitOut.textContent = p.label;
  digitOut.dataset.digit = p.label;
  const best = classes.indexOf(p.label);
  const sure = document.createElement('small');
  sure.textContent = `probability ${(p.probabilities[best] * 100).toFixed(1)}% (raw output ${p.scores[best].toFixed(3)})`;
  confidenceOut.replaceChildren(`It looks like a ${p.label}`, sure);
  p.probabilities.forEach((v, k) => {
    const bar = bars[k];
    if (!bar) return;
    bar.fill.style.width = `${Math.max(0, Math.min(1, v)) * 100}%`;
    bar.value.textContent = `${(v * 100).toFixed(1)}%`;
    bar.li.classList.toggle('best', k === best);
  });
}

function clearPrediction(text) {
  digitOut.textContent = '?';
  delete digitOut.dataset.digit;
  confidenceOut.textContent = text;
  for (const bar of bars) {
    if (!bar) continue;
    bar.fill.style.width = '0';
    bar.value.textContent = '';
    bar.li.classList.remove('best');
  }
  previewPen.clearRect(0, 0, preview.width, preview.height);
}

// ---- prediction ------------------------------------------------------------------------------------------------

let timer = 0;
let lastSent = 0;
let sequence = 0;
let inFlight = null;

let scheduled = false;

/** Debounced while drawing: at most one request every PREDICT_EVERY_MS, and always one after the last stroke. */
function schedulePredict(delay = PREDICT_EVERY_MS) {
  clearTimeout(timer);
  scheduled = true;
  digitOut.dataset.state = 'busy';
  const wait = Math.max(0, Math.min(delay, lastSent + PREDICT_EVERY_MS - performance.now()));
  timer = setTimeout(predict, wait);
}

function drawPreview(x, shape) {
  if (preview.width !== shape.width || preview.height !== shape.height) {
    preview.width = shape.width;
    preview.height = shape.height;
  }
  const img = previewPen.createImageData(shape.width, shape.height);
  for (let r = 0; r < shape.height; r++) {
    for (let c = 0; c < shape.width; c++) {
      const v = x[shape.order === 'column-major' ? c * shape.height + r : r * shape.width + c];
      const g = Math.round(Math.max(0, Math.min(1, v)) * 255);
      const o = (r * shape.width + c) * 4;
      img.data[o] = img.data[o + 1] = img.data[o + 2] = g;
      img.data[o + 3] = 255;
    }
  }
  previewPen.putImageData(img, 0, 0);
}

async function predict() {
  scheduled = false;
  if (!model || !model.inputShape || !inked) return;
  lastSent = performance.now();
  const { data, width, height } = pen.getImageData(0, 0, pad.width, pad.height);
  let x;
  try {
    x = imageToInput(rgbaToGray(data, width, height), width, height, model.inputShape);
  } catch {
    clearPrediction('Draw a digit to start');
    digitOut.dataset.state = 'blank';
    return;
  }
  drawPreview(x, model.inputShape);
  const mine = ++sequence;
  inFlight?.abort();
  inFlight = new AbortController();
  try {
    const res = await fetch('/v1/predict', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pixels: Array.from(x) }),
      signal: inFlight.signal,
    });
    const body = await res.json();
    if (mine !== sequence) return;
    if (!res.ok) {
      setStatus(body.detail ?? `Prediction failed (${res.status})`);
      return;
    }
    showPrediction(body.classes, body.predictions[0]);
    if (!scheduled) digitOut.dataset.state = 'done';
    setStatus('Ready.');
  } catch (err) {
    if (err.name !== 'AbortError') setStatus('Prediction failed: server unreachable');
  }
}

// ---- drawing ---------------------------------------------------------------------------------------------------

let drawing = false;
let last = null; // previous point
let mid = null; // midpoint the current curve starts from

function point(event) {
  const rect = pad.getBoundingClientRect();
  return {
    x: ((event.clientX - rect.left) / rect.width) * pad.width,
    y: ((event.clientY - rect.top) / rect.height) * pad.height,
  };
}

function startStroke(event) {
  if (event.button !== undefined && event.button > 0) return;
  event.preventDefault();
  pad.setPointerCapture?.(event.pointerId);
  drawing = true;
  last = point(event);
  mid = last;
  // A dot for a tap without movement.
  pen.beginPath();
  pen.arc(last.x, last.y, BRUSH / 2, 0, Math.PI * 2);
  pen.fill();
  inked = true;
  schedulePredict();
}

function moveStroke(event) {
  if (!drawing) return;
  event.preventDefault();
  const events = event.getCoalescedEvents?.() ?? [event];
  for (const e of events.length ? events : [event]) {
    const p = point(e);
    const m = { x: (last.x + p.x) / 2, y: (last.y + p.y) / 2 };
    // Quadratic through the midpoints: smooth, round-capped strokes.
    pen.beginPath();
    pen.moveTo(mid.x, mid.y);
    pen.quadraticCurveTo(last.x, last.y, m.x, m.y);
    pen.stroke();
    last = p;
    mid = m;
  }
  schedulePredict();
}

function endStroke(event) {
  if (!drawing) return;
  drawing = false;
  pen.beginPath();
  pen.moveTo(mid.x, mid.y);
  pen.lineTo(last.x, last.y);
  pen.stroke();
  pad.releasePointerCapture?.(event.pointerId);
  schedulePredict(0);
}

function clearPad() {
  pen.clearRect(0, 0, pad.width, pad.height);
  inked = false;
  clearTimeout(timer);
  inFlight?.abort();
  sequence++;
  scheduled = false;
  clearPrediction('Draw a digit to start');
  digitOut.dataset.state = 'blank';
}

function setStatus(text) {
  statusOut.textContent = text;
}

pen.lineWidth = BRUSH;
pen.lineCap = 'round';
pen.lineJoin = 'round';
pen.strokeStyle = '#111';
pen.fillStyle = '#111';

pad.addEventListener('pointerdown', startStroke);
pad.addEventListener('pointermove', moveStroke);
pad.addEventListener('pointerup', endStroke);
pad.addEventListener('pointercancel', endStroke);
document.getElementById('clear').addEventListener('click', clearPad);
document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape') clearPad();
});

loadModel();
