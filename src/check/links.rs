//! Where a patch was discussed: the Message-ID a commit or mail names, and its lore URL.

/// The Message-ID a landed commit names in its trailers: `Message-ID:` (as b4 and patchew
/// add it), else a `Link:` to a list archive (its last path segment).
pub(super) fn message_id_of(message: &str) -> Option<String> {
    let trailers = crate::policy::trailers::parse_trailers(message);
    if let Some(t) = trailers.values("Message-ID").next() {
        return Some(bare_message_id(&t.value));
    }
    let from_link = trailers.values("Link").find_map(|t| {
        let url = t.value.trim().trim_end_matches('/');
        let last = url.rsplit('/').next()?;
        (url.contains("://") && last.contains('@')).then(|| bare_message_id(last))
    });
    from_link
}

/// A Message-ID without its angle brackets.
pub fn bare_message_id(id: &str) -> String {
    id.trim().trim_start_matches('<').trim_end_matches('>').to_string()
}

/// The qemu-devel archive page of a message.
pub fn lore_url(message_id: &str) -> String {
    format!("https://lore.kernel.org/qemu-devel/{}/", bare_message_id(message_id))
}
