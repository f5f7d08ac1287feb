// The live page: /stats once a second for the tables and the chart, /ws for the live tail and the chat.
// Everything is built with textContent, never innerHTML: names and messages come from other clients.
"use strict";

const HISTORY_SECONDS = 300;
const rates = [];                // {published, delivered} per second, oldest first
let last = null;                 // the previous /stats answer, for rates

function $(id) { return document.getElementById(id); }

function cell(row, text, className) {
  const td = row.insertCell();
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function bytes(n) {
  if (n < 1024) return n + " B";
  if (n < 1024 * 1024) return (n / 1024).toFixed(1) + " KiB";
  return (n / 1024 / 1024).toFixed(1) + " MiB";
}

function fill(table, items, rowOf) {
  const body = table.tBodies[0];
  body.replaceChildren();
  for (const item of items) rowOf(body.insertRow(), item);
}

function drawRates() {
  const svg = $("rates");
  svg.replaceChildren();
  const max = Math.max(1, ...rates.map(r => Math.max(r.published, r.delivered)));
  for (const kind of ["published", "delivered"]) {
    const points = rates.map((r, i) =>
      (600 * (i + HISTORY_SECONDS - rates.length) / (HISTORY_SECONDS - 1)).toFixed(1) + "," +
      (115 - 110 * r[kind] / max).toFixed(1));
    const line = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
    line.setAttribute("class", kind);
    line.setAttribute("points", points.join(" "));
    svg.appendChild(line);
  }
  const now = rates[rates.length - 1] || {published: 0, delivered: 0};
  $("published-rate").textContent = now.published + "/s";
  $("delivered-rate").textContent = now.delivered + "/s";
}

function show(stats) {
  const server = stats.server;
  $("server").textContent = server.version + " · " + server.serverId;
  $("status").textContent = server.clients + " clients, " + server.topics + " topics";
  if (last) {
    rates.push({published: Math.max(0, server.messagesPublished - last.messagesPublished),
                delivered: Math.max(0, server.messagesDelivered - last.messagesDelivered)});
    if (rates.length > HISTORY_SECONDS) rates.shift();
  }
  last = server;
  drawRates();
  $("client-count").textContent = "(" + stats.clients.total + ")";
  fill($("clients"), stats.clients.items, (row, c) => {
    cell(row, c.id, "num"); cell(row, c.name); cell(row, c.user); cell(row, c.protocol); cell(row, c.address);
    cell(row, c.topics.join(", "));
    const share = Math.min(1, c.queuedBytes / server.clientQueueBytesLimit);
    const td = cell(row, "");
    const bar = document.createElement("span");
    bar.className = share > 0.5 ? "bar warn" : "bar";
    bar.title = bytes(c.queuedBytes) + " queued, " + c.queuedMessages + " messages";
    const fillBar = document.createElement("span");
    fillBar.style.width = (100 * share).toFixed(1) + "%";
    bar.appendChild(fillBar);
    td.appendChild(bar);
    td.append(" " + bytes(c.queuedBytes));
    cell(row, c.messagesIn, "num"); cell(row, c.messagesOut, "num");
  });
  fill($("closes"), stats.recentCloses.slice(0, 20), (row, c) => {
    cell(row, c.id, "num"); cell(row, c.name); cell(row, c.protocol); cell(row, c.reason);
    cell(row, c.detail || ""); cell(row, new Date(c.at).toLocaleTimeString());
  });
  fill($("topics"), stats.topics.items, (row, t) => {
    cell(row, t.name); cell(row, t.sequence, "num"); cell(row, t.held == null ? "?" : t.held, "num");
    cell(row, t.subscribers, "num"); cell(row, t.messagesInPerSecond, "num"); cell(row, t.messagesIn, "num");
    cell(row, t.messagesOut, "num");
  });
}

async function poll() {
  try {
    const answer = await fetch("/stats?limit=200", {cache: "no-store"});
    if (answer.ok) {
      show(await answer.json());
    } else {
      $("status").textContent = "/stats answered " + answer.status + ": " + (await answer.json()).error;
    }
  } catch (e) {
    $("status").textContent = "the server does not answer (" + e.message + ")";
  }
  setTimeout(poll, 1000);
}

function append(list, text) {
  const item = document.createElement("li");
  item.textContent = text;
  list.appendChild(item);
  while (list.children.length > 200) list.firstChild.remove();
  list.scrollTop = list.scrollHeight;
}

// One WebSocket: subscription 1 is the chat room, 2 the live tail.
const CHAT = 1, TAIL = 2;
let ws, nextPublish = 1;

function send(message) {
  if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
}

function follow(topic) {
  $("tail").replaceChildren();
  send({type: "unsub", id: TAIL});
  send({type: "sub", id: TAIL, topic: topic, resume: "last", count: 20});
}

function connect() {
  ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws");
  ws.onopen = () => {
    send({type: "hello", name: "web-" + Math.random().toString(36).slice(2, 7)});
    send({type: "sub", id: CHAT, topic: "lobby", resume: "last", count: 20});
    send({type: "sub", id: TAIL, topic: $("tail-topic").value || "lobby", resume: "last", count: 20});
  };
  ws.onmessage = (event) => {
    const m = JSON.parse(event.data);
    const text = m.data !== undefined ? m.data : m.data64 !== undefined ? "(bytes) " + m.data64 : "";
    if (m.type === "msg" && m.id === CHAT) append($("chat"), text);
    else if (m.type === "msg" && m.id === TAIL) append($("tail"), m.topic + " #" + m.seq + ": " + text);
    else if (m.type === "text") append($("chat"), "[" + m.from + "] " + m.text);
    else if (m.type === "error") append($("chat"), "error: " + m.text);
    else if (m.type === "goodbye") append($("chat"), "disconnected: " + m.text);
    else if (m.type === "ping") send({type: "pong", token: m.token});
  };
  ws.onclose = () => setTimeout(connect, 2000);
}

$("chat-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = $("chat-text").value;
  if (!text) return;
  send({type: "pub", id: nextPublish++, topic: "lobby", data: text});
  append($("chat"), "me: " + text);
  $("chat-text").value = "";
});

$("tail-form").addEventListener("submit", (event) => {
  event.preventDefault();
  follow($("tail-topic").value || "lobby");
});

poll();
connect();
