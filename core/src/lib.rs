//! tuanthu: compliance engine for Vietnamese implementation plans.
