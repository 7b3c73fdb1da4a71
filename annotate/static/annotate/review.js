/* Review screens: link each claim card to its highlighted spans in the text (hover or focus a
   card to outline its spans; click a highlighted piece to jump to its claims). Every action on
   these pages is a plain form, so the pages work without this script. */
"use strict";
{
    const text = document.getElementById("rv-text");
    const cards = Array.from(document.querySelectorAll(".rv-claim[data-claim]"));

    const piecesOf = (claimId) => Array.from(text ? text.querySelectorAll("mark[data-claims]") : [])
        .filter((mark) => mark.dataset.claims.split(" ").includes(claimId));

    const setActive = (card, on) => {
        card.classList.toggle("rv-active", on);
        for (const mark of piecesOf(card.dataset.claim)) {
            mark.classList.toggle("rv-active", on);
        }
    };

    for (const card of cards) {
        card.addEventListener("mouseenter", () => setActive(card, true));
        card.addEventListener("mouseleave", () => setActive(card, false));
        card.addEventListener("focus", () => setActive(card, true));
        card.addEventListener("blur", () => setActive(card, false));
    }

    if (text) {
        text.addEventListener("click", (event) => {
            const mark = event.target.closest("mark[data-claims]");
            if (!mark) {
                return;
            }
            const first = document.getElementById("rv-claim-" + mark.dataset.claims.split(" ")[0]);
            if (first) {
                first.scrollIntoView({block: "nearest"});
                first.focus();
            }
        });
    }

    // A rejection without a comment is refused by the server; say so before the round trip.
    const reject = document.getElementById("rv-reject");
    const comment = document.getElementById("rv-comment-input");
    if (reject && comment) {
        reject.addEventListener("click", (event) => {
            if (!comment.value.trim()) {
                event.preventDefault();
                comment.setCustomValidity(comment.dataset.requiredMessage || "A rejection needs a comment.");
                comment.reportValidity();
            }
        });
        comment.addEventListener("input", () => comment.setCustomValidity(""));
    }
}
