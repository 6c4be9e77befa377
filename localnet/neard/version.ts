// What this stand-in claims to be. Numbers follow a nearcore 2.x release so that
// anything parsing `--version` or the status `version` object sees familiar shapes.
export const NEARD_VERSION = '2.6.5';
// The build string is free-form in nearcore; ours says what we are.
export const NEARD_BUILD = '2.6.5-standin';
export const NEARD_COMMIT = '0000000000000000000000000000000000000000';
export const RUSTC_VERSION = '1.84.0';
export const PROTOCOL_VERSION = 77;
export const DB_VERSION = 44;

/** Same layout as nearcore's NEARD_VERSION_STRING, printed by `neard --version`. */
export const NEARD_VERSION_STRING =
  `(release ${NEARD_VERSION}) (build ${NEARD_BUILD}) (rustc ${RUSTC_VERSION}) ` +
  `(protocol ${PROTOCOL_VERSION}) (db ${DB_VERSION})`;
