"use strict";
// The article workspace: renders the text with every claim's spans, builds a draft claim from
// text selections and keys, and writes through the REST API (docs/api.md). Offsets are code
// points of the article text throughout; AnnotateOffsets converts at the DOM boundary.
(function () {
    const dataElement = document.getElementById("workspace-data");
    if (!dataElement || !window.AnnotateOffsets) {
        return;
    }
    const data = JSON.parse(dataElement.textContent);
    const text = data.article.text;
    const offsets = window.AnnotateOffsets.makeOffsetConverter(text);
    const chars = Array.from(text);
    const writable = data.assignment.writable;
    const csrfInput = document.querySelector("input[name=csrfmiddlewaretoken]");
    const csrfToken = csrfInput ? csrfInput.value : "";
    const ROLES = ["content", "source", "cue"];
    const FIELDS = ["content", "source", "cue", "speaker", "type", "stances", "nested_in", "category", "note"];

    const $ = (id) => document.getElementById(id);
    const textRoot = $("aw-text");
    const claimList = $("aw-claims");
    const message = $("aw-message");

    const claims = new Map();
    data.claims.forEach((claim) => claims.set(claim.id, claim));
    const actors = new Map();
    data.actors.forEach((actor) => actors.set(actor.id, actor));
    const vocabulary = data.project.vocabulary;
    const undoStack = [];
    let selectedId = null;
    let hoverIds = [];
    let snapping = true;
    let draft = emptyDraft();
    let segmentsByClaim = new Map();

    // ---------------------------------------------------------------- helpers

    function slice(start, end) {
        return text.slice(offsets.toUtf16(start), offsets.toUtf16(end));
    }

    function shorten(value, limit) {
        return value.length > limit ? value.slice(0, limit - 1) + "…" : value;
    }

    function element(tag, attributes, children) {
        const node = document.createElement(tag);
        Object.entries(attributes || {}).forEach(([name, value]) => {
            if (name === "text") {
                node.textContent = value;
            } else if (name === "className") {
                node.className = value;
            } else {
                node.setAttribute(name, value);
            }
        });
        (children || []).forEach((child) => node.append(child));
        return node;
    }

    function say(text, isError) {
        message.textContent = text;
        message.classList.toggle("aw-error", Boolean(isError));
    }

    function actorName(id) {
        if (id === null || id === undefined) {
            return "unknown";
        }
        const actor = actors.get(id);
        return actor ? actor.name : "#" + id;
    }

    function spansOf(claim) {
        const spans = claim.content.map(([start, end]) => ({role: "content", start, end}));
        if (claim.source) {
            spans.push({role: "source", start: claim.source[0], end: claim.source[1]});
        }
        if (claim.cue) {
            spans.push({role: "cue", start: claim.cue[0], end: claim.cue[1]});
        }
        return spans;
    }

    function emptyDraft() {
        const types = vocabulary.attribution_type || [];
        const preferred = types.find((term) => term.value === "indirect") || types[0];
        return {
            editing: null,
            version: null,
            base: null,
            content: [],
            source: null,
            cue: null,
            speaker: null,
            type: preferred ? preferred.value : "",
            stances: [],
            nested_in: null,
            category: "",
            note: "",
            history: [],
        };
    }

    // ---------------------------------------------------------------- API

    async function api(method, path, body) {
        const response = await fetch(data.urls.api + path, {
            method: method,
            credentials: "same-origin",
            headers: {
                "Accept": "application/json",
                "Content-Type": "application/json",
                "X-CSRFToken": csrfToken,
                "X-Client": "workspace",
            },
            body: body === undefined ? undefined : JSON.stringify(body),
        });
        let payload = null;
        if (response.status !== 204) {
            try {
                payload = await response.json();
            } catch (error) {
                payload = {detail: response.status + " " + response.statusText};
            }
        }
        return {status: response.status, ok: response.ok, data: payload};
    }

    function errorText(result) {
        const detail = result.data && result.data.detail ? result.data.detail : "HTTP " + result.status;
        const field = result.data && result.data.field ? " (" + result.data.field + ")" : "";
        return detail + field;
    }

    async function reloadClaims() {
        const result = await api("GET", "attributions/?assignment=" + data.assignment.id);
        if (!result.ok) {
            say("Could not reload the claims: " + errorText(result), true);
            return;
        }
        claims.clear();
        result.data.results.forEach((claim) => claims.set(claim.id, claim));
        if (selectedId !== null && !claims.has(selectedId)) {
            selectedId = null;
        }
        render();
    }

    // ---------------------------------------------------------------- text rendering

    function layersFor() {
        // Every span of every claim, the draft and the suggestions, as {start, end, className, claim}.
        const layers = [];
        claims.forEach((claim) => {
            spansOf(claim).forEach((span) => layers.push({...span, claim: claim.id, kind: "claim"}));
        });
        (data.suggestions || []).forEach((claim) => {
            spansOf(claim).forEach((span) => layers.push({...span, claim: null, kind: "suggested"}));
        });
        spansOf(draft).forEach((span) => layers.push({...span, claim: null, kind: "draft"}));
        return layers;
    }

    function textBlocks() {
        // The article's blocks, plus any non-blank stretch no block covers (so no text is hidden).
        const blocks = data.article.blocks.slice().sort((a, b) => a.start - b.start);
        const result = [];
        let position = 0;
        const addGap = (start, end) => {
            let s = start;
            let e = end;
            while (s < e && /\s/u.test(chars[s])) {
                s += 1;
            }
            while (e > s && /\s/u.test(chars[e - 1])) {
                e -= 1;
            }
            if (e > s) {
                result.push({kind: "paragraph", start: s, end: e});
            }
        };
        blocks.forEach((block) => {
            if (block.start > position) {
                addGap(position, block.start);
            }
            result.push(block);
            position = Math.max(position, block.end);
        });
        addGap(position, chars.length);
        return result;
    }

    const blocks = textBlocks();
    const sentenceStarts = new Set(data.article.sentences.map(([start]) => start));

    function layerStyle(layers) {
        // Stacked underlines, one per layer (box-shadow draws the first listed on top), and a
        // background that darkens with the number of content layers: nested and overlapping
        // spans stay readable.
        const colours = {content: "var(--aw-content)", source: "var(--aw-source)", cue: "var(--aw-cue)"};
        const shadows = [];
        let depth = 0;
        layers.filter((layer) => layer.kind === "claim").slice(0, 6).forEach((layer) => {
            depth += 3;
            shadows.push("inset 0 -" + depth + "px 0 0 " + colours[layer.role]);
        });
        return shadows.join(", ");
    }

    function render() {
        const layers = layersFor();
        const cuts = new Set([0, chars.length]);
        blocks.forEach((block) => {
            cuts.add(block.start);
            cuts.add(block.end);
        });
        data.article.sentences.forEach(([start, end]) => {
            cuts.add(start);
            cuts.add(end);
        });
        layers.forEach((layer) => {
            cuts.add(layer.start);
            cuts.add(layer.end);
        });
        const points = Array.from(cuts).sort((a, b) => a - b);
        segmentsByClaim = new Map();
        const fragment = document.createDocumentFragment();
        const selected = selectedId !== null ? claims.get(selectedId) : null;
        blocks.forEach((block) => {
            const blockNode = element(block.kind === "heading" ? "h3" : "p", {
                className: "aw-block aw-" + block.kind,
                "data-s": block.start,
                "data-e": block.end,
            });
            for (let index = 0; index < points.length - 1; index += 1) {
                const start = points[index];
                const end = points[index + 1];
                if (start < block.start || end > block.end) {
                    continue;
                }
                const covering = layers.filter((layer) => layer.start <= start && layer.end >= end);
                covering.sort((a, b) => ROLES.indexOf(a.role) - ROLES.indexOf(b.role) || (a.claim || 0) - (b.claim || 0));
                const segment = element("span", {className: "aw-seg", "data-s": start, "data-e": end});
                segment.textContent = slice(start, end);
                if (sentenceStarts.has(start)) {
                    segment.classList.add("aw-sent-start");
                }
                const ids = new Set();
                covering.forEach((layer) => {
                    if (layer.kind === "claim") {
                        ids.add(layer.claim);
                        segment.classList.add("aw-has-" + layer.role);
                    } else {
                        segment.classList.add("aw-" + layer.kind + "-" + layer.role);
                    }
                });
                const contentDepth = covering.filter((layer) => layer.kind === "claim" && layer.role === "content").length;
                if (contentDepth) {
                    segment.style.setProperty("--aw-depth", String(Math.min(contentDepth, 4)));
                }
                const shadow = layerStyle(covering);
                if (shadow) {
                    segment.style.boxShadow = shadow;
                }
                if (ids.size) {
                    segment.dataset.claims = Array.from(ids).join(" ");
                    ids.forEach((id) => {
                        if (!segmentsByClaim.has(id)) {
                            segmentsByClaim.set(id, []);
                        }
                        segmentsByClaim.get(id).push(segment);
                    });
                }
                if (selected) {
                    spansOf(selected).forEach((span) => {
                        if (span.start <= start && span.end >= end) {
                            segment.classList.add("aw-sel-" + span.role);
                        }
                    });
                }
                blockNode.append(segment);
            }
            fragment.append(blockNode);
        });
        textRoot.replaceChildren(fragment);
        renderClaims();
        renderDraft();
        applyHover();
    }

    // ---------------------------------------------------------------- claims list (a tree)

    function claimSummary(claim) {
        const contentText = claim.content.map(([start, end]) => slice(start, end)).join(" … ");
        return shorten(contentText, 90);
    }

    function renderClaims() {
        const children = new Map();
        const roots = [];
        const ordered = Array.from(claims.values()).sort((a, b) => (a.content[0] || [0])[0] - (b.content[0] || [0])[0] || a.id - b.id);
        ordered.forEach((claim) => {
            if (claim.nested_in !== null && claims.has(claim.nested_in)) {
                if (!children.has(claim.nested_in)) {
                    children.set(claim.nested_in, []);
                }
                children.get(claim.nested_in).push(claim);
            } else {
                roots.push(claim);
            }
        });
        const build = (claim, level) => {
            const item = element("li", {
                className: "aw-claim" + (claim.id === selectedId ? " aw-selected" : ""),
                role: "treeitem",
                "aria-level": level,
                "data-id": claim.id,
                "aria-selected": claim.id === selectedId ? "true" : "false",
            });
            const stances = claim.stances.map((stance) => element("span", {
                className: "aw-chip aw-stance-" + stance.polarity,
                text: stance.polarity + ": " + (stance.target_name || stance.target_topic),
            }));
            const row = element("div", {className: "aw-claim-row"}, [
                element("span", {className: "aw-claim-id", text: "#" + claim.id}),
                element("span", {className: "aw-chip aw-type", text: claim.type}),
                element("strong", {className: "aw-claim-speaker", text: claim.speaker_name || "unknown"}),
                element("span", {className: "aw-claim-text", text: "“" + claimSummary(claim) + "”"}),
                ...stances,
            ]);
            if (writable) {
                row.append(
                    element("button", {type: "button", className: "aw-link", "data-action": "edit", title: "Edit (e)", text: "edit"}),
                    element("button", {type: "button", className: "aw-link", "data-action": "delete", title: "Delete (d)", text: "delete"}),
                );
            }
            item.append(row);
            if (claim.id === selectedId) {
                const parts = element("dl", {className: "aw-claim-parts"});
                spansOf(claim).forEach((span) => {
                    parts.append(
                        element("dt", {className: "aw-role-" + span.role, text: span.role + " " + span.start + "–" + span.end}),
                        element("dd", {text: slice(span.start, span.end)}),
                    );
                });
                item.append(parts);
            }
            const nested = children.get(claim.id);
            if (nested) {
                const list = element("ul", {role: "group"});
                nested.forEach((child) => list.append(build(child, level + 1)));
                item.append(list);
            }
            return item;
        };
        claimList.replaceChildren(...roots.map((claim) => build(claim, 1)));
        $("aw-claim-count").textContent = "(" + claims.size + ")";
    }

    function visibleOrder() {
        return Array.from(claimList.querySelectorAll(".aw-claim")).map((item) => Number(item.dataset.id));
    }

    function selectClaim(id, scroll) {
        selectedId = id;
        render();
        if (id !== null && scroll) {
            const item = claimList.querySelector(".aw-claim[data-id='" + id + "']");
            if (item) {
                item.scrollIntoView({block: "nearest"});
            }
            const segments = segmentsByClaim.get(id);
            if (segments && segments.length) {
                segments[0].scrollIntoView({block: "nearest"});
            }
        }
    }

    function applyHover() {
        textRoot.querySelectorAll(".aw-hl").forEach((node) => node.classList.remove("aw-hl"));
        claimList.querySelectorAll(".aw-hover").forEach((node) => node.classList.remove("aw-hover"));
        hoverIds.forEach((id) => {
            (segmentsByClaim.get(id) || []).forEach((segment) => segment.classList.add("aw-hl"));
            const item = claimList.querySelector(".aw-claim[data-id='" + id + "'] > .aw-claim-row");
            if (item) {
                item.classList.add("aw-hover");
            }
        });
    }

    claimList.addEventListener("mouseover", (event) => {
        const item = event.target.closest(".aw-claim");
        const ids = item ? [Number(item.dataset.id)] : [];
        if (ids.join() !== hoverIds.join()) {
            hoverIds = ids;
            applyHover();
        }
    });
    claimList.addEventListener("mouseleave", () => {
        hoverIds = [];
        applyHover();
    });
    claimList.addEventListener("click", (event) => {
        const item = event.target.closest(".aw-claim");
        if (!item) {
            return;
        }
        const id = Number(item.dataset.id);
        const action = event.target.closest("[data-action]");
        if (action && action.dataset.action === "edit") {
            editClaim(id);
        } else if (action && action.dataset.action === "delete") {
            deleteClaim(id);
        } else {
            selectClaim(id === selectedId ? null : id, true);
        }
    });
    textRoot.addEventListener("mouseover", (event) => {
        const segment = event.target.closest(".aw-seg");
        const ids = segment && segment.dataset.claims ? segment.dataset.claims.split(" ").map(Number) : [];
        if (ids.join() !== hoverIds.join()) {
            hoverIds = ids;
            applyHover();
        }
    });
    textRoot.addEventListener("mouseleave", () => {
        hoverIds = [];
        applyHover();
    });
    textRoot.addEventListener("click", (event) => {
        // A plain click (no text selected) on a highlight selects its claims in turn, innermost first.
        const selection = window.getSelection();
        if (selection && !selection.isCollapsed) {
            return;
        }
        const segment = event.target.closest(".aw-seg");
        if (!segment || !segment.dataset.claims) {
            return;
        }
        const ids = segment.dataset.claims.split(" ").map(Number).sort((a, b) => contentLength(a) - contentLength(b));
        const next = ids[(ids.indexOf(selectedId) + 1) % ids.length];
        selectClaim(next, true);
    });

    function contentLength(id) {
        const claim = claims.get(id);
        return claim ? claim.content.reduce((sum, [start, end]) => sum + end - start, 0) : 0;
    }

    // ---------------------------------------------------------------- selection and snapping

    function pointToOffset(node, offset) {
        if (node.nodeType === Node.TEXT_NODE) {
            const segment = node.parentElement && node.parentElement.closest(".aw-seg");
            if (segment && textRoot.contains(segment)) {
                const base = offsets.toUtf16(Number(segment.dataset.s));
                return Math.min(Number(segment.dataset.e), offsets.toCodePoint(base + offset));
            }
        }
        // An element boundary: the first segment at or after the point.
        const point = document.createRange();
        point.setStart(node, offset);
        const segments = textRoot.querySelectorAll(".aw-seg");
        for (const segment of segments) {
            if (point.comparePoint(segment, 0) >= 0) {
                return Number(segment.dataset.s);
            }
        }
        return segments.length ? Number(segments[segments.length - 1].dataset.e) : 0;
    }

    function selectedRange() {
        const selection = window.getSelection();
        if (!selection || selection.rangeCount === 0 || selection.isCollapsed) {
            return null;
        }
        const range = selection.getRangeAt(0);
        if (!textRoot.contains(range.commonAncestorContainer) && !range.intersectsNode(textRoot)) {
            return null;
        }
        const start = pointToOffset(range.startContainer, range.startOffset);
        const end = pointToOffset(range.endContainer, range.endOffset);
        return end > start ? [start, end] : null;
    }

    function isLetter(character) {
        return character !== undefined && /[\p{L}\p{N}\p{M}]/u.test(character);
    }

    function isWordAt(index) {
        const character = chars[index];
        if (isLetter(character)) {
            return true;
        }
        // An apostrophe or hyphen inside a word (Azerbaijan’s, Armenian-Azerbaijani).
        return "'’-".includes(character || "x") && isLetter(chars[index - 1]) && isLetter(chars[index + 1]);
    }

    function trimSpace(start, end) {
        let s = start;
        let e = end;
        while (s < e && /\s/u.test(chars[s])) {
            s += 1;
        }
        while (e > s && /\s/u.test(chars[e - 1])) {
            e -= 1;
        }
        return [s, e];
    }

    function snapToWords(start, end) {
        let [s, e] = trimSpace(start, end);
        if (e <= s) {
            return null;
        }
        while (s > 0 && isWordAt(s) && isWordAt(s - 1)) {
            s -= 1;
        }
        while (e < chars.length && isWordAt(e - 1) && isWordAt(e)) {
            e += 1;
        }
        return [s, e];
    }

    const OPENING = {"“": "”", "«": "»", "„": "“", "\"": "\""};

    function findQuotes() {
        // Quotations as [start, end) including their marks, never across a block; straight
        // quotes pair up in order within a block.
        const quotes = [];
        blocks.forEach((block) => {
            let open = null;
            for (let index = block.start; index < block.end; index += 1) {
                const character = chars[index];
                if (open !== null && character === OPENING[chars[open]]) {
                    quotes.push([open, index + 1]);
                    open = null;
                } else if (open === null && Object.hasOwn(OPENING, character)) {
                    open = index;
                }
            }
        });
        return quotes;
    }

    const quotes = findQuotes();

    function quoteInner(quote) {
        // Inside the marks, without the comma or period that closes the quotation
        // (guidelines 3.2 and 3.7: the span ends at the last word).
        let [s, e] = trimSpace(quote[0] + 1, quote[1] - 1);
        while (e > s && /[,.;:]/u.test(chars[e - 1])) {
            e -= 1;
        }
        return trimSpace(s, e);
    }

    function overlap(a, b) {
        return Math.max(0, Math.min(a[1], b[1]) - Math.max(a[0], b[0]));
    }

    function significant(start, end) {
        // Letters and digits in text[start:end]: what counts when a selection spills out of a quote.
        let count = 0;
        for (let index = start; index < end; index += 1) {
            if (isLetter(chars[index])) {
                count += 1;
            }
        }
        return count;
    }

    function snapToQuotes(range) {
        // A selection covering most (>= 60 %) of one quotation, or of several quotations with
        // only short interruptions between them ("“…,” he said, “…”"), becomes the inside of
        // each quotation: one content part per quotation.
        const covered = quotes.filter((quote) => {
            const inner = quoteInner(quote);
            return inner[1] > inner[0] && overlap(range, inner) >= 0.6 * (inner[1] - inner[0]);
        });
        if (!covered.length) {
            return null;
        }
        const first = covered[0];
        const last = covered[covered.length - 1];
        const spill = significant(range[0], Math.min(range[1], first[0])) + significant(Math.max(range[0], last[1]), range[1]);
        if (spill > 3) {
            return null;
        }
        for (let index = 1; index < covered.length; index += 1) {
            const gap = covered[index][0] - covered[index - 1][1];
            if (gap > 80 || quotes.some((quote) => quote[0] >= covered[index - 1][1] && quote[1] <= covered[index][0])) {
                return null;
            }
        }
        return covered.map(quoteInner);
    }

    function snapSelection(range, role) {
        if (!range) {
            return [];
        }
        if (!snapping) {
            const trimmed = trimSpace(range[0], range[1]);
            return trimmed[1] > trimmed[0] ? [trimmed] : [];
        }
        if (role === "content") {
            const quoted = snapToQuotes(range);
            if (quoted) {
                return quoted;
            }
        }
        const words = snapToWords(range[0], range[1]);
        return words ? [words] : [];
    }

    function showSelection() {
        const preview = $("aw-selection");
        if (!preview) {
            return;
        }
        const parts = snapSelection(selectedRange(), "content");
        preview.classList.toggle("aw-hint", !parts.length);
        preview.textContent = parts.length
            ? "Selection: " + parts.map(([s, e]) => "“" + shorten(slice(s, e), 60) + "” " + s + "–" + e).join(" + ")
            : "Select words in the text, then press c (content), s (source) or u (cue); ? lists every key.";
    }

    let selectionFrame = 0;
    document.addEventListener("selectionchange", () => {
        cancelAnimationFrame(selectionFrame);
        selectionFrame = requestAnimationFrame(showSelection);
    });

    function extendSelection(direction, granularity) {
        const selection = window.getSelection();
        if (!selection) {
            return;
        }
        if (selection.rangeCount === 0 || !textRoot.contains(selection.anchorNode)) {
            const first = textRoot.querySelector(".aw-seg");
            if (!first || !first.firstChild) {
                return;
            }
            selection.collapse(first.firstChild, 0);
        }
        selection.modify("extend", direction, granularity);
    }

    // ---------------------------------------------------------------- the draft

    function mergeParts(parts) {
        const sorted = parts.slice().sort((a, b) => a[0] - b[0]);
        const merged = [];
        sorted.forEach(([start, end]) => {
            const last = merged[merged.length - 1];
            if (last && start <= last[1]) {
                last[1] = Math.max(last[1], end);
            } else {
                merged.push([start, end]);
            }
        });
        return merged;
    }

    function addSelectionAs(role) {
        const parts = snapSelection(selectedRange(), role);
        if (!parts.length) {
            say("Select some text first (mouse, or Shift+arrows).", true);
            return;
        }
        if (role === "content") {
            draft.content = mergeParts(draft.content.concat(parts));
        } else {
            draft[role] = [parts[0][0], parts[parts.length - 1][1]];
        }
        draft.history.push(role);
        const selection = window.getSelection();
        if (selection) {
            selection.removeAllRanges();
        }
        say("Added " + parts.length + " " + role + " part" + (parts.length > 1 ? "s" : "") + ": " + parts.map(([s, e]) => "“" + shorten(slice(s, e), 40) + "”").join(" + "));
        render();
    }

    function removeLastPart() {
        // The part added last; in a claim loaded for editing, its cue, then source, then the
        // content parts from the end.
        let role = draft.history.pop();
        if (!role) {
            role = draft.cue ? "cue" : draft.source ? "source" : draft.content.length ? "content" : null;
        }
        if (role === "content") {
            draft.content.pop();
        } else if (role) {
            draft[role] = null;
        }
        say(role ? "Removed the " + role + " part." : "The draft has no parts.");
        render();
    }

    function removeLastStance() {
        const stance = draft.stances.pop();
        say(stance ? "Removed the stance " + stance.polarity + ": " + (stance.target_actor !== null ? actorName(stance.target_actor) : stance.target_topic) + "." : "The draft has no stances.");
        render();
    }

    function fillSelect(select, terms, blankLabel) {
        if (!select) {
            return;
        }
        const options = [];
        if (blankLabel !== null) {
            options.push(element("option", {value: "", text: blankLabel}));
        }
        terms.forEach((term) => options.push(element("option", {value: term.value, text: term.label || term.value})));
        select.replaceChildren(...options);
    }

    function renderDraftParts(container, parts, role) {
        container.replaceChildren(...parts.map(([start, end], index) => {
            const chip = element("span", {className: "aw-chip aw-part aw-role-" + role}, [
                element("span", {text: "“" + shorten(slice(start, end), 50) + "” "}),
                element("small", {text: start + "–" + end}),
            ]);
            const remove = element("button", {type: "button", className: "aw-link", "data-role": role, "data-index": index, title: "Remove", text: "×"});
            chip.append(remove);
            return chip;
        }));
        if (!parts.length) {
            container.append(element("span", {className: "aw-empty", text: "—"}));
        }
    }

    function renderDraft() {
        if (!writable) {
            return;
        }
        $("aw-draft-title").textContent = draft.editing === null
            ? "New claim"
            : "Editing claim #" + draft.editing + " (version " + draft.version + ")";
        renderDraftParts($("aw-draft-content"), draft.content, "content");
        renderDraftParts($("aw-draft-source"), draft.source ? [draft.source] : [], "source");
        renderDraftParts($("aw-draft-cue"), draft.cue ? [draft.cue] : [], "cue");
        if (document.activeElement !== $("aw-speaker")) {
            $("aw-speaker").value = draft.speaker === null ? "" : actorName(draft.speaker);
        }
        $("aw-type").value = draft.type;
        $("aw-category").value = draft.category;
        if (document.activeElement !== $("aw-note")) {
            $("aw-note").value = draft.note;
        }
        $("aw-stances").replaceChildren(...draft.stances.map((stance, index) => element("li", {className: "aw-chip aw-stance-" + stance.polarity}, [
            element("span", {text: stance.polarity + ": " + (stance.target_actor !== null ? actorName(stance.target_actor) : stance.target_topic) + " "}),
            element("button", {type: "button", className: "aw-link", "data-stance": index, title: "Remove", text: "×"}),
        ])));
        const parent = $("aw-parent");
        const options = [element("option", {value: "", text: "— top level —"})];
        claims.forEach((claim) => {
            if (claim.id !== draft.editing) {
                options.push(element("option", {value: String(claim.id), text: "#" + claim.id + " " + (claim.speaker_name || "unknown") + ": " + shorten(claimSummary(claim), 50)}));
            }
        });
        parent.replaceChildren(...options);
        parent.value = draft.nested_in === null ? "" : String(draft.nested_in);
    }

    function payloadOf(source) {
        return {
            content: source.content.map((part) => part.slice()),
            source: source.source ? source.source.slice() : null,
            cue: source.cue ? source.cue.slice() : null,
            speaker: source.speaker,
            type: source.type,
            stances: source.stances.map((stance) => ({
                target_actor: stance.target_actor,
                target_topic: stance.target_actor !== null ? "" : stance.target_topic,
                polarity: stance.polarity,
            })),
            nested_in: source.nested_in,
            category: source.category || "",
            note: source.note || "",
        };
    }

    function sameValue(a, b) {
        return JSON.stringify(a) === JSON.stringify(b);
    }

    function changedFields(before, after) {
        // The fields of `after` that differ from `before` (both payloads).
        const changes = {};
        FIELDS.forEach((field) => {
            if (!sameValue(before[field], after[field])) {
                changes[field] = after[field];
            }
        });
        return changes;
    }

    function draftFromClaim(claim) {
        return {
            editing: claim.id,
            version: claim.version,
            base: payloadOf(claim),
            content: claim.content.map((part) => part.slice()),
            source: claim.source ? claim.source.slice() : null,
            cue: claim.cue ? claim.cue.slice() : null,
            speaker: claim.speaker,
            type: claim.type,
            stances: claim.stances.map((stance) => ({...stance})),
            nested_in: claim.nested_in,
            category: claim.category,
            note: claim.note,
            history: [],
        };
    }

    function editClaim(id) {
        if (!writable || !claims.has(id)) {
            return;
        }
        if (draftIsDirty() && draft.editing !== id) {
            say("Save the draft (Enter) or clear it (Esc) before editing another claim.", true);
            return;
        }
        selectedId = id;
        draft = draftFromClaim(claims.get(id));
        say("Editing claim #" + id + ": change parts and fields, then Enter to save.");
        render();
    }

    function draftIsDirty() {
        // Unsaved work: a changed claim being edited, or a new claim with anything in it.
        if (draft.editing !== null) {
            return Object.keys(changedFields(draft.base, payloadOf(draft))).length > 0;
        }
        return draft.content.length > 0 || draft.source !== null || draft.cue !== null ||
            draft.stances.length > 0 || draft.note !== "";
    }

    // Closing or leaving the page with an unsaved draft asks first: the draft lives only here.
    window.addEventListener("beforeunload", (event) => {
        if (writable && draftIsDirty()) {
            event.preventDefault();
            event.returnValue = "";
        }
    });

    function clearDraft() {
        draft = emptyDraft();
        say("");
        render();
    }

    function rememberUndo(entry) {
        undoStack.push(entry);
        if (undoStack.length > 50) {
            undoStack.shift();
        }
    }

    async function saveDraft() {
        if (!writable) {
            return;
        }
        if (!draft.content.length) {
            say("A claim needs content: select its words and press c.", true);
            return;
        }
        const payload = payloadOf(draft);
        if (draft.editing === null) {
            const result = await api("POST", "attributions/", {assignment: data.assignment.id, ...payload});
            if (!result.ok) {
                say("Not saved: " + errorText(result), true);
                return;
            }
            claims.set(result.data.id, result.data);
            rememberUndo({kind: "create", id: result.data.id});
            draft = emptyDraft();
            selectedId = result.data.id;
            say("Saved claim #" + result.data.id + ". Ctrl+Z undoes it.");
            render();
            return;
        }
        const id = draft.editing;
        const before = claims.get(id);
        const changes = changedFields(draft.base, payload);
        if (!Object.keys(changes).length) {
            draft = emptyDraft();
            say("Nothing changed in claim #" + id + ".");
            render();
            return;
        }
        const result = await api("PATCH", "attributions/" + id + "/", {version: draft.version, ...changes});
        if (result.status === 409 && result.data && result.data.current) {
            showConflict(result.data);
            return;
        }
        if (!result.ok) {
            say("Not saved: " + errorText(result), true);
            return;
        }
        claims.set(id, result.data);
        rememberUndo({kind: "update", id: id, before: before, after: result.data});
        draft = emptyDraft();
        selectedId = id;
        say("Saved claim #" + id + " (version " + result.data.version + "). Ctrl+Z restores the previous values.");
        render();
    }

    async function deleteClaim(id) {
        const claim = claims.get(id);
        if (!writable || !claim) {
            return;
        }
        const children = Array.from(claims.values()).filter((other) => other.nested_in === id).map((other) => other.id);
        const result = await api("DELETE", "attributions/" + id + "/?version=" + claim.version);
        if (result.status === 409 && result.data && result.data.current) {
            claims.set(id, result.data.current);
            say("Not deleted: " + result.data.detail + " Look at the current version; press d again to delete it.", true);
            selectedId = id;
            render();
            return;
        }
        if (!result.ok) {
            say("Not deleted: " + errorText(result), true);
            return;
        }
        rememberUndo({kind: "delete", snapshot: claim, children: children});
        if (draft.editing === id) {
            draft = emptyDraft();
        }
        selectedId = null;
        say("Deleted claim #" + id + ". Ctrl+Z brings it back.");
        if (children.length) {
            await reloadClaims();
        } else {
            claims.delete(id);
            render();
        }
    }

    async function undo() {
        const entry = undoStack.pop();
        if (!entry) {
            say("Nothing to undo.");
            return;
        }
        let result;
        if (entry.kind === "create") {
            const claim = claims.get(entry.id);
            result = await api("DELETE", "attributions/" + entry.id + "/?version=" + (claim ? claim.version : 1));
            if (result.ok) {
                claims.delete(entry.id);
                if (selectedId === entry.id) {
                    selectedId = null;
                }
                say("Undone: claim #" + entry.id + " removed again.");
            }
        } else if (entry.kind === "update") {
            // Only the fields this edit changed go back; later changes by others stay.
            const current = claims.get(entry.id);
            const before = payloadOf(entry.before);
            const changes = {};
            Object.keys(changedFields(before, payloadOf(entry.after))).forEach((field) => {
                changes[field] = before[field];
            });
            result = await api("PATCH", "attributions/" + entry.id + "/", {version: current.version, ...changes});
            if (result.ok) {
                claims.set(entry.id, result.data);
                say("Undone: claim #" + entry.id + " has its previous values again.");
            }
        } else {
            const payload = payloadOf(entry.snapshot);
            if (payload.nested_in !== null && !claims.has(payload.nested_in)) {
                payload.nested_in = null;
            }
            result = await api("POST", "attributions/", {assignment: data.assignment.id, ...payload});
            if (result.ok) {
                const restored = result.data;
                claims.set(restored.id, restored);
                // Children were un-nested by the delete: nest them in the restored claim again.
                for (const childId of entry.children) {
                    const child = claims.get(childId);
                    if (child) {
                        const again = await api("PATCH", "attributions/" + childId + "/", {version: child.version, nested_in: restored.id});
                        if (!again.ok) {
                            await reloadClaims();
                            const fresh = claims.get(childId);
                            if (fresh) {
                                await api("PATCH", "attributions/" + childId + "/", {version: fresh.version, nested_in: restored.id});
                            }
                        }
                    }
                }
                selectedId = restored.id;
                say("Undone: the deleted claim is back as #" + restored.id + ".");
                if (entry.children.length) {
                    await reloadClaims();
                    return;
                }
            }
        }
        if (result && !result.ok) {
            say("Could not undo: " + errorText(result), true);
            if (result.status === 409) {
                await reloadClaims();
            }
            return;
        }
        render();
    }

    // ---------------------------------------------------------------- conflicts

    let conflict = null;

    function describe(field, value) {
        if (value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length)) {
            return "—";
        }
        if (field === "content") {
            return value.map(([s, e]) => "“" + slice(s, e) + "”").join(" + ");
        }
        if (field === "source" || field === "cue") {
            return "“" + slice(value[0], value[1]) + "”";
        }
        if (field === "speaker") {
            return actorName(value);
        }
        if (field === "stances") {
            return value.map((stance) => stance.polarity + ": " + (stance.target_actor !== null ? actorName(stance.target_actor) : stance.target_topic)).join("; ");
        }
        if (field === "nested_in") {
            return "#" + value;
        }
        return String(value);
    }

    function showConflict(payload) {
        const current = payload.current;
        claims.set(current.id, current);
        conflict = {current: current, mine: payloadOf(draft), base: draft.base};
        const theirs = payloadOf(current);
        $("aw-conflict-detail").textContent = payload.detail + " Your draft is kept: choose what to do with it.";
        const table = element("table", {className: "aw-compare"});
        table.append(element("tr", {}, [
            element("th", {text: "field"}),
            element("th", {text: "when you started (v" + draft.version + ")"}),
            element("th", {text: "current: " + (current.updated_by || "") + " (v" + current.version + ")"}),
            element("th", {text: "your draft"}),
        ]));
        FIELDS.forEach((field) => {
            const theirsChanged = !sameValue(conflict.base[field], theirs[field]);
            const mineChanged = !sameValue(conflict.base[field], conflict.mine[field]);
            const row = element("tr", {className: (theirsChanged ? "aw-theirs-changed " : "") + (mineChanged ? "aw-mine-changed" : "")}, [
                element("th", {text: field}),
                element("td", {text: describe(field, conflict.base[field])}),
                element("td", {className: "aw-theirs", text: describe(field, theirs[field])}),
                element("td", {className: "aw-mine", text: describe(field, conflict.mine[field])}),
            ]);
            table.append(row);
        });
        $("aw-conflict-table").replaceChildren(table);
        render();
        $("aw-conflict").showModal();
        $("aw-conflict-reapply").focus();
    }

    function rebaseDraft() {
        // The draft keeps the user's own changes and takes the other fields from the current version.
        const current = conflict.current;
        const mine = changedFields(conflict.base, conflict.mine);
        draft = draftFromClaim(current);
        Object.entries(mine).forEach(([field, value]) => {
            draft[field] = value;
        });
    }

    async function resolveConflict(choice) {
        const dialog = $("aw-conflict");
        if (!conflict) {
            dialog.close();
            return;
        }
        if (choice === "theirs") {
            draft = emptyDraft();
            selectedId = conflict.current.id;
            conflict = null;
            dialog.close();
            say("Your draft was discarded; the claim shows the current version.");
            render();
            return;
        }
        rebaseDraft();
        conflict = null;
        dialog.close();
        if (choice === "reapply") {
            await saveDraft();
        } else {
            say("Your draft now sits on the current version " + draft.version + ": Enter saves it.");
            render();
        }
    }

    $("aw-conflict-reapply").addEventListener("click", () => resolveConflict("reapply"));
    $("aw-conflict-theirs").addEventListener("click", () => resolveConflict("theirs"));
    $("aw-conflict-keep").addEventListener("click", () => resolveConflict("keep"));
    $("aw-conflict").addEventListener("cancel", (event) => {
        event.preventDefault();
        resolveConflict("keep");
    });
    $("aw-conflict").addEventListener("keydown", (event) => {
        if (event.key === "x") {
            event.preventDefault();
            resolveConflict("theirs");
        }
    });

    // ---------------------------------------------------------------- pickers (speaker, stance target)

    function fold(value) {
        return value.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
    }

    function matchActors(query) {
        const wanted = fold(query.trim());
        const scored = [];
        actors.forEach((actor) => {
            const names = [actor.name].concat(actor.aliases || []);
            let best = null;
            names.forEach((name, index) => {
                const folded = fold(name);
                const position = folded.indexOf(wanted);
                if (position >= 0) {
                    const score = (position === 0 ? 0 : 2) + (index === 0 ? 0 : 1);
                    if (best === null || score < best.score) {
                        best = {score: score, alias: index === 0 ? "" : name};
                    }
                }
            });
            if (best !== null) {
                scored.push({actor: actor, ...best});
            }
        });
        scored.sort((a, b) => a.score - b.score || a.actor.name.localeCompare(b.actor.name));
        return scored.slice(0, 8);
    }

    function makeCombobox(input, list, optionsFor, onPick) {
        let options = [];
        let active = 0;
        const close = () => {
            list.hidden = true;
            input.setAttribute("aria-expanded", "false");
        };
        const draw = () => {
            options = optionsFor(input.value);
            active = Math.min(active, Math.max(0, options.length - 1));
            list.replaceChildren(...options.map((option, index) => element("li", {
                role: "option",
                className: "aw-option" + (index === active ? " aw-active" : ""),
                "aria-selected": index === active ? "true" : "false",
                "data-index": index,
            }, [element("span", {text: option.label}), element("small", {text: option.detail || ""})])));
            list.hidden = options.length === 0;
            input.setAttribute("aria-expanded", options.length ? "true" : "false");
        };
        input.addEventListener("input", () => {
            active = 0;
            draw();
        });
        input.addEventListener("focus", draw);
        input.addEventListener("blur", () => setTimeout(close, 150));
        input.addEventListener("keydown", (event) => {
            if (event.key === "ArrowDown" || event.key === "ArrowUp") {
                if (list.hidden) {
                    draw();
                }
                active = (active + (event.key === "ArrowDown" ? 1 : -1) + options.length) % Math.max(1, options.length);
                draw();
                event.preventDefault();
            } else if (event.key === "Enter" && !event.ctrlKey) {
                if (!list.hidden && options[active]) {
                    event.preventDefault();
                    event.stopPropagation();
                    const option = options[active];
                    close();
                    onPick(option);
                }
            }
        });
        list.addEventListener("mousedown", (event) => {
            const item = event.target.closest(".aw-option");
            if (item) {
                event.preventDefault();
                const option = options[Number(item.dataset.index)];
                close();
                onPick(option);
            }
        });
        return {close: close};
    }

    function speakerOptions(query) {
        const options = matchActors(query).map((match) => ({
            kind: "actor",
            id: match.actor.id,
            label: match.actor.name,
            detail: (match.alias ? "alias “" + match.alias + "” " : "") + (match.actor.kind || ""),
        }));
        if (query.trim() && !options.some((option) => option.kind === "actor" && fold(option.label) === fold(query.trim()))) {
            options.push({kind: "new", label: "Create actor “" + query.trim() + "”", detail: "new", name: query.trim()});
        }
        options.push({kind: "unknown", label: "unknown speaker", detail: ""});
        return options;
    }

    function targetOptions(query) {
        const options = matchActors(query).map((match) => ({
            kind: "actor",
            id: match.actor.id,
            label: match.actor.name,
            detail: match.alias ? "alias “" + match.alias + "”" : "actor",
        }));
        if (query.trim()) {
            options.push({kind: "topic", label: query.trim(), detail: "topic"});
        }
        return options;
    }

    let pendingTarget = null;

    function setupForm() {
        if (!writable) {
            return;
        }
        fillSelect($("aw-type"), vocabulary.attribution_type || [], null);
        fillSelect($("aw-category"), vocabulary.category || [], "— no category —");
        fillSelect($("aw-stance-polarity"), vocabulary.polarity || [], null);
        fillSelect($("aw-new-actor-kind"), vocabulary.actor_kind || [], "— kind —");
        makeCombobox($("aw-speaker"), $("aw-speaker-list"), speakerOptions, (option) => {
            if (option.kind === "new") {
                $("aw-new-actor").hidden = false;
                $("aw-new-actor-name").value = option.name;
                $("aw-new-actor-name").focus();
                return;
            }
            draft.speaker = option.kind === "actor" ? option.id : null;
            $("aw-speaker").value = option.kind === "actor" ? option.label : "";
            $("aw-speaker").blur();
            render();
        });
        makeCombobox($("aw-stance-target"), $("aw-stance-list"), targetOptions, (option) => {
            pendingTarget = option;
            $("aw-stance-target").value = option.label;
            $("aw-stance-polarity").focus();
        });
        $("aw-stance-target").addEventListener("input", () => {
            pendingTarget = null;
        });
        $("aw-stance-polarity").addEventListener("keydown", (event) => {
            if (event.key === "Enter") {
                event.preventDefault();
                event.stopPropagation();
                addStance();
            }
        });
        $("aw-stance-add").addEventListener("click", addStance);
        $("aw-new-actor-name").addEventListener("keydown", (event) => {
            if (event.key === "Enter") {
                event.preventDefault();
                event.stopPropagation();
                createActor();
            }
        });
        $("aw-new-actor-kind").addEventListener("keydown", (event) => {
            if (event.key === "Enter") {
                event.preventDefault();
                event.stopPropagation();
                createActor();
            }
        });
        $("aw-new-actor-create").addEventListener("click", createActor);
        $("aw-type").addEventListener("change", (event) => {
            draft.type = event.target.value;
        });
        $("aw-category").addEventListener("change", (event) => {
            draft.category = event.target.value;
        });
        $("aw-parent").addEventListener("change", (event) => {
            draft.nested_in = event.target.value ? Number(event.target.value) : null;
            render();
        });
        $("aw-note").addEventListener("input", (event) => {
            draft.note = event.target.value;
        });
        $("aw-speaker").addEventListener("change", (event) => {
            if (!event.target.value.trim()) {
                draft.speaker = null;
            }
        });
        $("aw-save").addEventListener("click", saveDraft);
        $("aw-clear").addEventListener("click", clearDraft);
        $("aw-snap").addEventListener("change", (event) => {
            snapping = event.target.checked;
            showSelection();
        });
        $("aw-draft").addEventListener("click", (event) => {
            const remove = event.target.closest("[data-role]");
            if (remove) {
                const role = remove.dataset.role;
                if (role === "content") {
                    draft.content.splice(Number(remove.dataset.index), 1);
                } else {
                    draft[role] = null;
                }
                render();
            }
            const stance = event.target.closest("[data-stance]");
            if (stance) {
                draft.stances.splice(Number(stance.dataset.stance), 1);
                render();
            }
        });
    }

    function addStance() {
        const typed = $("aw-stance-target").value.trim();
        let target = pendingTarget;
        if (!target && typed) {
            const exact = matchActors(typed).find((match) => fold(match.actor.name) === fold(typed));
            target = exact ? {kind: "actor", id: exact.actor.id, label: exact.actor.name} : {kind: "topic", label: typed};
        }
        if (!target) {
            say("Type a stance target (an actor or a topic) first.", true);
            $("aw-stance-target").focus();
            return;
        }
        draft.stances.push({
            target_actor: target.kind === "actor" ? target.id : null,
            target_topic: target.kind === "actor" ? "" : target.label,
            polarity: $("aw-stance-polarity").value,
        });
        pendingTarget = null;
        $("aw-stance-target").value = "";
        $("aw-stance-polarity").selectedIndex = 0;
        document.activeElement.blur();
        render();
    }

    async function createActor() {
        const name = $("aw-new-actor-name").value.trim();
        if (!name) {
            return;
        }
        const result = await api("POST", "actors/", {project: data.project.id, name: name, kind: $("aw-new-actor-kind").value});
        if (!result.ok) {
            say("Actor not created: " + errorText(result), true);
            return;
        }
        actors.set(result.data.id, result.data);
        draft.speaker = result.data.id;
        $("aw-new-actor").hidden = true;
        $("aw-speaker").value = result.data.name;
        document.activeElement.blur();
        say("Created actor " + result.data.name + ".");
        render();
    }

    // ---------------------------------------------------------------- guidelines, help, submit

    const grid = $("aw-grid");
    const guidelinesKey = "annotate.workspace.guidelines";

    function setGuidelines(open) {
        grid.classList.toggle("aw-guidelines-closed", !open);
        $("aw-guidelines-toggle").setAttribute("aria-expanded", open ? "true" : "false");
        try {
            window.localStorage.setItem(guidelinesKey, open ? "open" : "closed");
        } catch (error) {
            // Storage may be disabled; the panel then simply opens by screen width next time.
        }
    }

    let stored = null;
    try {
        stored = window.localStorage.getItem(guidelinesKey);
    } catch (error) {
        stored = null;
    }
    setGuidelines(stored ? stored === "open" : window.innerWidth >= 1500);
    $("aw-guidelines-toggle").addEventListener("click", () => setGuidelines(grid.classList.contains("aw-guidelines-closed")));

    const help = $("aw-help");
    $("aw-help-button").addEventListener("click", () => help.showModal());

    function askSubmit() {
        if (!writable || !data.assignment.is_own) {
            say("This assignment cannot be submitted from here.", true);
            return;
        }
        $("aw-submit").showModal();
        $("aw-submit-confirm").focus();
    }

    async function submitAssignment() {
        $("aw-submit").close();
        const result = await api("POST", "assignments/" + data.assignment.id + "/submit/", {});
        if (!result.ok) {
            say("Not submitted: " + errorText(result), true);
            return;
        }
        window.location.assign(data.urls.queue);
    }

    if ($("aw-submit-button")) {
        $("aw-submit-button").addEventListener("click", askSubmit);
    }
    $("aw-submit-confirm").addEventListener("click", submitAssignment);
    $("aw-submit-cancel").addEventListener("click", () => $("aw-submit").close());

    // ---------------------------------------------------------------- keys

    function moveSelection(step) {
        const order = visibleOrder();
        if (!order.length) {
            return;
        }
        const index = order.indexOf(selectedId);
        const next = index < 0 ? (step > 0 ? 0 : order.length - 1) : (index + step + order.length) % order.length;
        selectClaim(order[next], true);
    }

    function cycleType() {
        const types = (vocabulary.attribution_type || []).map((term) => term.value);
        if (!types.length) {
            return;
        }
        draft.type = types[(types.indexOf(draft.type) + 1) % types.length];
        say("Type: " + draft.type);
        render();
    }

    const writeKeys = {
        c: () => addSelectionAs("content"),
        s: () => addSelectionAs("source"),
        u: () => addSelectionAs("cue"),
        q: () => addSelectionAs("cue"),
        p: () => $("aw-speaker").focus(),
        t: cycleType,
        a: () => $("aw-stance-target").focus(),
        A: removeLastStance,
        i: () => $("aw-parent").focus(),
        y: () => $("aw-category").focus(),
        m: () => $("aw-note").focus(),
        e: () => selectedId !== null && editClaim(selectedId),
        d: () => selectedId !== null && deleteClaim(selectedId),
        Delete: () => selectedId !== null && deleteClaim(selectedId),
        Backspace: removeLastPart,
        Enter: saveDraft,
        w: () => {
            snapping = !snapping;
            $("aw-snap").checked = snapping;
            say("Snapping " + (snapping ? "on" : "off") + ".");
            showSelection();
        },
        S: askSubmit,
    };
    const readKeys = {
        j: () => moveSelection(1),
        k: () => moveSelection(-1),
        r: reloadClaims,
        g: () => setGuidelines(grid.classList.contains("aw-guidelines-closed")),
        n: () => {
            if (draftIsDirty()) {
                say("Save the draft (Enter) or clear it (Esc) before moving to the next article.", true);
                return;
            }
            window.location.assign(data.urls.next);
        },
        "?": () => help.showModal(),
    };

    document.addEventListener("keydown", (event) => {
        const target = event.target;
        const inField = target instanceof HTMLElement && Boolean(target.closest("input, textarea, select"));
        const openDialog = document.querySelector("dialog[open]");
        if (openDialog) {
            if (openDialog === $("aw-submit") && event.key === "Enter") {
                event.preventDefault();
                submitAssignment();
            } else if (openDialog === help && event.key === "?") {
                event.preventDefault();
                help.close();
            }
            return;
        }
        if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") {
            event.preventDefault();
            if (writable) {
                saveDraft();
            }
            return;
        }
        if ((event.ctrlKey || event.metaKey) && !event.shiftKey && event.key.toLowerCase() === "z" && !inField) {
            event.preventDefault();
            if (writable) {
                undo();
            }
            return;
        }
        if (event.shiftKey && (event.key === "ArrowLeft" || event.key === "ArrowRight") && !inField) {
            event.preventDefault();
            extendSelection(event.key === "ArrowRight" ? "forward" : "backward", event.ctrlKey || event.altKey ? "word" : "character");
            return;
        }
        if (event.key === "Escape") {
            if (inField) {
                target.blur();
                if ($("aw-new-actor")) {
                    $("aw-new-actor").hidden = true;
                }
            } else if (draft.editing !== null || draft.content.length || draft.source || draft.cue) {
                clearDraft();
            } else {
                selectClaim(null, false);
            }
            event.preventDefault();
            return;
        }
        if (inField || event.ctrlKey || event.metaKey || event.altKey) {
            return;
        }
        if (event.key === "Enter" && target instanceof HTMLElement && target.closest("button, a")) {
            return;  // the focused button or link acts on Enter itself
        }
        if (Object.hasOwn(readKeys, event.key)) {
            event.preventDefault();
            readKeys[event.key]();
        } else if (Object.hasOwn(writeKeys, event.key)) {
            event.preventDefault();
            if (!writable) {
                say("This assignment is read-only here.", true);
                return;
            }
            writeKeys[event.key]();
        }
    });

    function fitGrid() {
        // The columns scroll on their own: the grid takes the window's height under the header.
        const top = grid.getBoundingClientRect().top + window.scrollY;
        let height = Math.max(420, window.innerHeight - top - 12);
        grid.style.height = height + "px";
        // Whatever the admin puts below the grid (footer, paddings) must fit too.
        const overflow = document.documentElement.scrollHeight - window.innerHeight;
        if (overflow > 0) {
            height = Math.max(420, height - overflow);
            grid.style.height = height + "px";
        }
    }
    window.addEventListener("resize", fitGrid);
    fitGrid();

    setupForm();
    render();
    showSelection();
    textRoot.dataset.ready = "true";
}());
