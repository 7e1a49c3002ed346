//! personnel
