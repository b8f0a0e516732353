//! One way to define a stored code: a closed set of values with a stable snake_case id that is
//! stored in the database and sent in forms, and (for most) a Danish label that is only shown.
//! The macro writes the id, the serde name, the parser, the list of all values and the sqlx
//! encoding as text, so that none of them can drift from the others and the store reads
//! `stage: Stage` directly instead of a string. Ids are never renamed once landed: old rows and
//! bookmarked forms would stop resolving. `tests/it/codes.rs` checks each list against the CHECK
//! constraint of its column.

/// `code_enum! { pub enum Name { Variant => ("id", "Label"), … } }`, or `Variant => "id"` for
/// codes that are never shown.
macro_rules! code_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => ($id:literal, $label:literal) ),+ $(,)?
        }
    ) => {
        $crate::domain::code::code_enum! {
            $(#[$meta])*
            pub enum $name { $( $(#[$vmeta])* $variant => $id ),+ }
        }

        impl $name {
            /// The Danish label shown on the pages.
            pub const fn label(self) -> &'static str {
                match self {
                    $( Self::$variant => $label ),+
                }
            }
        }
    };
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $id:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            // Renamed to the id itself, so that JSON and forms use one spelling even where
            // snake_case would differ ("under_18" vs "under18").
            $( $(#[$vmeta])* #[serde(rename = $id)] $variant ),+
        }

        impl $name {
            /// Every value, in the order the pages list them.
            pub const ALL: [Self; [$( $id ),+].len()] = [ $( Self::$variant ),+ ];

            /// The stable id stored in the database and used in form values.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $( Self::$variant => $id ),+
                }
            }

            /// Reads a stored or submitted id; `None` for anything unknown.
            pub fn parse(id: &str) -> Option<Self> {
                match id {
                    $( $id => Some(Self::$variant), )+
                    _ => None,
                }
            }
        }

        impl sqlx::Type<sqlx::Postgres> for $name {
            fn type_info() -> sqlx::postgres::PgTypeInfo {
                <&str as sqlx::Type<sqlx::Postgres>>::type_info()
            }

            fn compatible(ty: &sqlx::postgres::PgTypeInfo) -> bool {
                <&str as sqlx::Type<sqlx::Postgres>>::compatible(ty)
            }
        }

        impl sqlx::postgres::PgHasArrayType for $name {
            fn array_type_info() -> sqlx::postgres::PgTypeInfo {
                <&str as sqlx::postgres::PgHasArrayType>::array_type_info()
            }
        }

        impl<'q> sqlx::Encode<'q, sqlx::Postgres> for $name {
            fn encode_by_ref(
                &self,
                buf: &mut sqlx::postgres::PgArgumentBuffer,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                <&str as sqlx::Encode<'q, sqlx::Postgres>>::encode_by_ref(&self.as_str(), buf)
            }
        }

        impl<'r> sqlx::Decode<'r, sqlx::Postgres> for $name {
            fn decode(
                value: sqlx::postgres::PgValueRef<'r>,
            ) -> Result<Self, sqlx::error::BoxDynError> {
                let id = <&str as sqlx::Decode<'r, sqlx::Postgres>>::decode(value)?;
                Self::parse(id).ok_or_else(|| {
                    format!("unknown {} {id:?}", stringify!($name)).into()
                })
            }
        }
    };
}

pub(crate) use code_enum;
