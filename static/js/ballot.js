// The delegate's ballot card: drawn on the tablet and over the document viewer, so a vote
// that opens while a delegate reads shows at once with its buttons. The countdown of a
// timed vote ticks here; at 0:00 the server closes the vote and the buttons go away. An
// acknowledged ballot's "✓ Đã nhận phiếu" stays whatever happens after it.
import { t } from "./i18n.js";
import { bind, formatSeconds, show } from "./live-session.js";
import { reportError } from "./live-view.js";
import { choiceLabel, kindLabel, progressText, resultView, STATUS } from "./vote-view.js";

export class BallotCard {
  constructor(root, session, isDelegate) {
    this.root = root;
    this.session = session;
    this.isDelegate = isDelegate;
    this.pending = null; // one idempotency key per ballot: a retry is counted once
    this.sending = false;
  }

  async cast(ballot) {
    const { root, session } = this;
    const vote = session.state.vote.vote;
    const p = this.pending;
    if (!p || p.voteId !== vote.id || JSON.stringify(p.ballot) !== JSON.stringify(ballot)) {
      this.pending = { voteId: vote.id, ballot, key: crypto.randomUUID() };
    }
    this.sending = true;
    bind(root, "vote-mine", t("Đang gửi phiếu…"));
    bind(root, "vote-error", "");
    try {
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const ack = await session.command("vote:cast",
          { vote_id: vote.id, idempotency_key: this.pending.key, ...ballot });
        if (ack.ok) {
          this.pending = null;
          session.voted(ack.result);
          return;
        }
        if (ack.error.code !== "timeout") {
          // Shown in the vote card, in view; an earlier acknowledged ballot stays confirmed.
          bind(root, "vote-error", ack.error.message);
          reportError(root, ack);
          return;
        }
        await new Promise((r) => setTimeout(r, 500 * (attempt + 1)));
      }
      bind(root, "vote-error", t("Chưa gửi được phiếu — kiểm tra kết nối và bấm lại."));
    } finally {
      this.sending = false;
      this.drawMine();
    }
  }

  choiceButtons(vote, mine) {
    const wrap = document.createElement("div");
    wrap.className = "ballot-choices";
    for (const [code, label] of vote.options) {
      const b = document.createElement("button");
      b.type = "button";
      b.className = `huge choice choice-${code}${mine?.choice === code ? " chosen" : ""}`;
      b.textContent = choiceLabel(label);
      b.disabled = Boolean(mine?.voted) && !vote.allow_change;
      b.addEventListener("click", () => this.cast({ choice: code }));
      wrap.append(b);
    }
    return wrap;
  }

  selectionForm(vote, mine) {
    const form = document.createElement("form");
    form.className = "stack";
    const hint = document.createElement("p");
    hint.textContent = t(vote.exact ? "Chọn đúng {seats} người." : "Chọn tối đa {seats} người.", { seats: vote.seats });
    form.append(hint);
    for (const [id, name] of vote.options) {
      const label = document.createElement("label");
      label.className = "check big-check";
      const box = document.createElement("input");
      box.type = "checkbox";
      box.value = id;
      label.append(box, ` ${name}`);
      form.append(label);
    }
    const submit = document.createElement("button");
    submit.type = "submit";
    submit.className = "primary huge";
    submit.textContent = t("Gửi phiếu bầu");
    submit.disabled = Boolean(mine?.voted);
    form.append(submit);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const selections = [...form.querySelectorAll("input:checked")].map((x) => Number(x.value));
      this.cast({ selections });
    });
    return form;
  }

  ratingForm(vote, mine) {
    const form = document.createElement("form");
    form.className = "stack";
    for (const [id, name] of vote.options) {
      const fieldset = document.createElement("fieldset");
      const legend = document.createElement("legend");
      legend.textContent = name;
      fieldset.append(legend);
      for (const [code, label] of vote.levels) {
        const option = document.createElement("label");
        option.className = "check big-check";
        const radio = document.createElement("input");
        radio.type = "radio";
        radio.name = `p${id}`;
        radio.value = code;
        option.append(radio, ` ${label}`);
        fieldset.append(option);
      }
      form.append(fieldset);
    }
    const submit = document.createElement("button");
    submit.type = "submit";
    submit.className = "primary huge";
    submit.textContent = t("Gửi phiếu");
    submit.disabled = Boolean(mine?.voted);
    form.append(submit);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const ratings = {};
      for (const [id] of vote.options) {
        const picked = form.querySelector(`input[name=p${id}]:checked`);
        if (picked) ratings[id] = picked.value;
      }
      this.cast({ ratings });
    });
    return form;
  }

  drawMine() {
    const current = this.session.state?.vote;
    if (!current || this.sending) return;
    const { vote, mine } = current;
    let received = "";
    if (mine?.voted) {
      const label = vote.options.find(([code]) => code === mine.choice)?.[1];
      received = label ? t("✓ Đã nhận phiếu: {label}", { label: choiceLabel(label) }) : t("✓ Đã nhận phiếu của bạn");
      if (vote.allow_change && vote.status === "open") received += t(" (có thể thay đổi khi còn mở)");
    }
    bind(this.root, "vote-mine", received);
  }

  /** Redraw from the session; returns whether a vote card is visible. */
  draw() {
    const { root, session, isDelegate } = this;
    const current = session.state?.vote;
    const visible = Boolean(current) && current.vote.status !== "cancelled";
    show(root, "vote", visible);
    if (!visible) {
      // A cancelled vote leaves nothing to tap behind the hidden card.
      const ballot = root.querySelector('[data-list="ballot"]');
      if (ballot?.childElementCount) {
        ballot.replaceChildren();
        ballot.dataset.voteId = "";
        ballot.dataset.state = "";
      }
      return false;
    }
    const { vote, progress, mine } = current;
    bind(root, "vote-kind", kindLabel(vote));
    bind(root, "vote-title", vote.title);
    bind(root, "vote-status", STATUS[vote.status]);
    bind(root, "vote-progress", vote.status === "open" ? progressText(progress) : "");
    if (vote.status !== "open") {
      // A late tap's message would only repeat this; the card says it once, in view.
      bind(root, "vote-error", "");
    }
    show(root, "vote-over", vote.status === "closed" && isDelegate);
    this.tick();
    const ballot = root.querySelector('[data-list="ballot"]');
    const canCast = isDelegate && vote.status === "open" && !(mine?.voted && !vote.allow_change);
    // Keep a half-filled election or rating form while counts tick in.
    if (ballot.dataset.voteId !== String(vote.id) || ballot.dataset.state !== `${canCast}:${vote.status}:${mine?.choice}`) {
      ballot.dataset.voteId = String(vote.id);
      ballot.dataset.state = `${canCast}:${vote.status}:${mine?.choice}`;
      ballot.replaceChildren();
      if (canCast || (isDelegate && vote.status === "open" && vote.kind === "open")) {
        if (vote.kind === "open" || vote.kind === "secret") ballot.append(this.choiceButtons(vote, mine));
        else if (vote.kind === "election") ballot.append(this.selectionForm(vote, mine));
        else ballot.append(this.ratingForm(vote, mine));
      }
    }
    this.drawMine();
    const resultBox = root.querySelector('[data-list="vote-result"]');
    const result = vote.status === "announced" ? vote.result : null;
    if (resultBox.dataset.shown !== `${vote.id}:${Boolean(result)}`) {
      resultBox.dataset.shown = `${vote.id}:${Boolean(result)}`;
      resultBox.replaceChildren(...(result ? [resultView(result)] : []));
    }
    return true;
  }

  /** The countdown of a timed vote, every quarter second. */
  tick() {
    const left = this.session.voteRemaining();
    bind(this.root, "vote-countdown", left === null ? "" : t("còn {time}", { time: formatSeconds(Math.ceil(left)) }));
  }
}
