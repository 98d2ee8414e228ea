// Shared by the form and the dashboard: the token (kept for this tab only), API calls, dates.
"use strict";
const tt = {
  token() { return sessionStorage.getItem("tt-token") || ""; },
  setToken(t) { sessionStorage.setItem("tt-token", t.trim()); },
  async api(path, opts = {}) {
    const headers = Object.assign({ Authorization: "Bearer " + tt.token() }, opts.headers || {});
    const resp = await fetch(path, Object.assign({}, opts, { headers }));
    if (!resp.ok) {
      let err;
      try { err = await resp.json(); } catch (_) { err = { message: resp.statusText }; }
      err.status = resp.status;
      throw err;
    }
    return resp;
  },
  // yyyy-mm-dd -> dd/mm/yyyy (every date a person reads).
  vnDate(iso) {
    if (!iso) return "";
    const [y, m, d] = iso.split("-");
    return `${d}/${m}/${y}`;
  },
  // dd/mm/yyyy (or d/m/yyyy) -> yyyy-mm-dd, or null.
  isoDate(text) {
    const m = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s*$/.exec(text || "");
    if (!m) return null;
    const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const dt = new Date(Date.UTC(y, mo - 1, d));
    if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) return null;
    return `${y}-${String(mo).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
  },
  todayVn() {
    const now = new Date(Date.now() + 7 * 3600 * 1000);
    return tt.vnDate(now.toISOString().slice(0, 10));
  },
  el(tag, attrs = {}, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === "class") e.className = v; else if (k.startsWith("on")) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
    }
    for (const c of children) e.append(c);
    return e;
  },
  // The engine's explanation for a civil servant: its policy codes in words, and the rule ids
  // (the "quy tắc: …" part) only for administrators.
  plainExplanation(text, admin) {
    const words = {
      exclusive: "không tính ngày hạn",
      inclusive: "tính cả ngày hạn",
      strict: "giữ nguyên ngày nghỉ",
      next_working_day: "lùi sang ngày làm việc kế tiếp",
    };
    const parts = (text || "").split("; ").filter((p) => admin || !p.startsWith("quy tắc:"));
    return parts.join("; ").replace(/\b(exclusive|inclusive|strict|next_working_day)\b/g, (w) => words[w]);
  },
  // Messages for people: the service's words in Vietnamese, never a rule id or a policy code.
  plainError(err) {
    if (err.status === 401) return "Mã truy cập không hợp lệ hoặc chưa nhập. Hãy nhập mã được cấp.";
    if (err.status === 403) return "Mã truy cập này không được phép thực hiện việc này.";
    if (err.status === 413) return "Tệp quá lớn.";
    return "Không thực hiện được: " + (err.message || "lỗi không xác định");
  },
};
