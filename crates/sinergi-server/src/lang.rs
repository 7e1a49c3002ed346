//! Choosing the language of a response.
//!
//! Pages speak Bahasa Indonesia unless the user chose English (the `lang` cookie, set by `/lang/{code}`, or a
//! `?lang=` parameter). The API also honours `Accept-Language`, since its clients are programs that say what
//! they want. Browsers send their own language by default, and the UI's default must stay Indonesian.

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use sinergi_domain::i18n::Lang;

pub const COOKIE: &str = "lang";

fn query_lang(query: Option<&str>) -> Option<Lang> {
    query?
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == "lang")
        .and_then(|(_, v)| Lang::parse(v))
}

fn cookie_lang(headers: &HeaderMap) -> Option<Lang> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .and_then(|(_, v)| Lang::parse(v))
}

/// The language of a page: `?lang=`, then the cookie, then Bahasa Indonesia.
pub fn page_lang(headers: &HeaderMap, query: Option<&str>) -> Lang {
    query_lang(query).or_else(|| cookie_lang(headers)).unwrap_or_default()
}

/// The language of an API response: `?lang=`, then `Accept-Language`, then Bahasa Indonesia.
pub fn api_lang(headers: &HeaderMap, query: Option<&str>) -> Lang {
    query_lang(query)
        .or_else(|| {
            headers
                .get(axum::http::header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or_default()
}

/// Extractor for the page language.
pub struct PageLang(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for PageLang {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(PageLang(page_lang(&parts.headers, parts.uri.query())))
    }
}

/// Extractor for the API language.
pub struct ApiLang(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for ApiLang {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ApiLang(api_lang(&parts.headers, parts.uri.query())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn pages_default_to_indonesian_even_for_english_browsers() {
        let mut headers = HeaderMap::new();
        headers.insert(axum::http::header::ACCEPT_LANGUAGE, HeaderValue::from_static("en-US,en;q=0.9"));
        assert_eq!(page_lang(&headers, None), Lang::Id);
        assert_eq!(api_lang(&headers, None), Lang::En);
        assert_eq!(page_lang(&headers, Some("x=1&lang=en")), Lang::En);
        headers.insert(axum::http::header::COOKIE, HeaderValue::from_static("a=b; lang=en"));
        assert_eq!(page_lang(&headers, None), Lang::En);
        assert_eq!(page_lang(&headers, Some("lang=id")), Lang::Id);
    }
}
