//! Object ids as plain 20-byte values: hashable, serialisable, and free of git2 types.

use std::fmt;

use serde::{Deserialize, Serialize};

macro_rules! object_id {
    ($name:ident, $what:literal) => {
        #[doc = concat!("The id of a ", $what, ".")]
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub struct $name(pub [u8; 20]);

        impl $name {
            pub(crate) fn from_oid(oid: git2::Oid) -> Self {
                let mut bytes = [0u8; 20];
                bytes.copy_from_slice(oid.as_bytes());
                $name(bytes)
            }

            pub(crate) fn to_oid(self) -> git2::Oid {
                git2::Oid::from_bytes(&self.0).expect("20 bytes make an oid")
            }

            /// Full lower-case hex.
            pub fn hex(&self) -> String {
                self.0.iter().map(|b| format!("{b:02x}")).collect()
            }

            /// The 12-character abbreviation used in reports.
            pub fn short(&self) -> String {
                self.hex()[..12].to_string()
            }

            pub fn parse_hex(hex: &str) -> Option<Self> {
                if hex.len() != 40 {
                    return None;
                }
                let mut bytes = [0u8; 20];
                for (i, b) in bytes.iter_mut().enumerate() {
                    *b = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
                }
                Some($name(bytes))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.hex())
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.short())
            }
        }
    };
}

object_id!(CommitId, "commit");
object_id!(BlobId, "blob");
object_id!(TreeId, "tree");
