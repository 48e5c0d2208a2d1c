/**
 * The emulator's test calling numbers (docs/strategy.md "Calling numbers"): with the
 * simulated carrier, every new instance has these bound, added to its tenant's pool
 * when missing, so a fresh emulator needs no `outboundbot numbers add` before its
 * first campaign. Fixed lines in two Zhejiang cities and Shanghai (so LocalFirst and
 * LocalProvinceFirst have something to choose from), and a service number.
 */
export const TEST_CALLING_NUMBERS: readonly string[] = ['057188880000', '057188880001', '057488880000', '02188880000', '95187'];
