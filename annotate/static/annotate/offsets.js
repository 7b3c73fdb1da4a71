"use strict";
// Offsets in this project are code points of the article text (Python string indices); the DOM
// and JavaScript strings count UTF-16 code units, where a character outside the Basic
// Multilingual Plane (most emoji) takes two. Combining marks are code points of their own in both.
(function (global) {
    // Returns {length, toUtf16(cp), toCodePoint(u16, roundUp)} for `text`. An index inside a
    // surrogate pair rounds down to the pair's code point (or up with roundUp); indices outside
    // the text are clamped to it.
    function makeOffsetConverter(text) {
        const starts = [];
        let unit = 0;
        for (const character of text) {
            starts.push(unit);
            unit += character.length;
        }
        starts.push(unit);
        const table = Uint32Array.from(starts);
        const length = table.length - 1;
        return {
            length: length,
            toUtf16(codePoint) {
                return table[Math.max(0, Math.min(length, codePoint))];
            },
            toCodePoint(utf16, roundUp) {
                let low = 0;
                let high = length;
                // The largest code point index whose UTF-16 start is <= utf16.
                while (low < high) {
                    const middle = (low + high + 1) >> 1;
                    if (table[middle] <= utf16) {
                        low = middle;
                    } else {
                        high = middle - 1;
                    }
                }
                if (roundUp && low < length && table[low] < utf16) {
                    return low + 1;
                }
                return low;
            },
        };
    }

    global.AnnotateOffsets = {makeOffsetConverter: makeOffsetConverter};
}(window));
