"use strict";
// "My queue": n opens the next assignment, j/k move through the list, Enter opens, ? shows the keys.
(function () {
    const root = document.querySelector(".aq-queue");
    if (!root) {
        return;
    }
    const help = document.getElementById("aq-help");
    const rows = Array.from(document.querySelectorAll(".aq-row"));
    let current = -1;

    function mark(index) {
        if (!rows.length) {
            return;
        }
        current = Math.max(0, Math.min(rows.length - 1, index));
        rows.forEach((row, position) => row.classList.toggle("aq-current", position === current));
        rows[current].scrollIntoView({block: "nearest"});
    }

    document.addEventListener("keydown", (event) => {
        const target = event.target;
        if (event.ctrlKey || event.metaKey || event.altKey) {
            return;
        }
        if (target instanceof HTMLElement && target.closest("input, textarea, select")) {
            return;
        }
        if (event.key === "?") {
            if (help.open) {
                help.close();
            } else {
                help.showModal();
            }
        } else if (event.key === "n" && root.dataset.nextUrl) {
            window.location.assign(root.dataset.nextUrl);
        } else if (event.key === "j") {
            mark(current + 1);
        } else if (event.key === "k") {
            mark(current - 1);
        } else if (event.key === "Enter" && current >= 0) {
            rows[current].querySelector("a.aq-open").click();
        } else {
            return;
        }
        event.preventDefault();
    });
    root.dataset.ready = "true";
}());
