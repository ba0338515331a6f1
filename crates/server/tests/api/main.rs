//! Server tests: one test binary, real HTTP against the real server on a random port, on
//! SQLite and (when configured) PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;

mod accounts;
mod assessment;
mod assistance;
mod authz_walk;
mod basics;
mod browser;
mod cases;
mod catalog;
mod clocks;
mod evidence;
mod hardening;
mod headers;
mod instructions;
mod leads;
mod limits;
mod meetings;
mod open311;
mod operations;
mod readable;
mod transfers;
mod two_factor;
mod workflow;
