//! tuanthu: compliance engine for Vietnamese implementation plans.

pub mod calendar;
