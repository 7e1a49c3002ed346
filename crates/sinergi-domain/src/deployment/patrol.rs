//! patrol
