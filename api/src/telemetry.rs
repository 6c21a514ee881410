use std::collections::HashMap;
use std::io::IsTerminal as _;
use std::sync::OnceLock;

use opentelemetry::propagation::TextMapPropagator as _;
use opentelemetry::trace::TraceContextExt as _;
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::WithExportConfig as _;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_opentelemetry::OpenTelemetrySpanExt as _;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

use crate::config::LogFormat;

/// The standard OpenTelemetry setting: the collector's base URL (OTLP over HTTP, spans
/// go to `<endpoint>/v1/traces`). Unset or empty: no traces are exported.
pub const OTLP_ENDPOINT_ENV: &str = "OTEL_EXPORTER_OTLP_ENDPOINT";
const SERVICE_NAME_ENV: &str = "OTEL_SERVICE_NAME";
const DEFAULT_SERVICE_NAME: &str = "todo-api";

static TRACER_PROVIDER: OnceLock<SdkTracerProvider> = OnceLock::new();

/// Installs the global subscriber: `RUST_LOG` filters (default `info`), and JSON lines
/// with the current span's fields (the request id among them) when asked for. With
/// `OTEL_EXPORTER_OTLP_ENDPOINT` set, spans are also exported over OTLP.
pub fn init(format: LogFormat) {
    let endpoint = std::env::var(OTLP_ENDPOINT_ENV)
        .ok()
        .filter(|value| !value.trim().is_empty());
    init_with(format, endpoint.as_deref());
}

/// `init`, with the OTLP endpoint given rather than read from the environment.
pub fn init_with(format: LogFormat, otlp_endpoint: Option<&str>) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn,sea_orm_migration=warn"));
    let (otel, otel_error) = match otlp_endpoint.map(tracer_provider) {
        Some(Ok(provider)) => {
            let tracer = provider.tracer(DEFAULT_SERVICE_NAME);
            let _ = TRACER_PROVIDER.set(provider);
            (
                Some(tracing_opentelemetry::layer().with_tracer(tracer)),
                None,
            )
        }
        Some(Err(error)) => (None, Some(error)),
        None => (None, None),
    };
    let registry = tracing_subscriber::registry().with(filter).with(otel);
    let result = match format {
        LogFormat::Json => registry
            .with(
                tracing_subscriber::fmt::layer()
                    .json()
                    .with_current_span(true)
                    .with_span_list(false)
                    .with_writer(std::io::stderr),
            )
            .try_init(),
        LogFormat::Text => registry
            .with(
                tracing_subscriber::fmt::layer()
                    .with_ansi(std::io::stderr().is_terminal())
                    .with_writer(std::io::stderr),
            )
            .try_init(),
    };
    // Already installed (tests start several apps in one process): keep the first.
    let _ = result;
    if let Some(error) = otel_error {
        // Traces are an aid, not a duty: the service runs on without them.
        tracing::error!(%error, "{OTLP_ENDPOINT_ENV}: cannot export traces");
    }
}

fn tracer_provider(
    endpoint: &str,
) -> Result<SdkTracerProvider, opentelemetry_otlp::ExporterBuildError> {
    let traces = format!("{}/v1/traces", endpoint.trim().trim_end_matches('/'));
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_protocol(opentelemetry_otlp::Protocol::HttpBinary)
        .with_endpoint(traces)
        .build()?;
    let service_name = std::env::var(SERVICE_NAME_ENV)
        .ok()
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| DEFAULT_SERVICE_NAME.to_owned());
    let resource = opentelemetry_sdk::Resource::builder()
        .with_service_name(service_name)
        .build();
    Ok(SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(resource)
        .build())
}

/// Whether spans are exported (an OTLP endpoint was configured).
pub fn exporting() -> bool {
    TRACER_PROVIDER.get().is_some()
}

/// Sends the spans still buffered. Blocks: call it from a blocking context.
pub fn flush() {
    if let Some(provider) = TRACER_PROVIDER.get()
        && let Err(error) = provider.force_flush()
    {
        tracing::warn!(%error, "cannot flush the trace exporter");
    }
}

/// Makes `span` continue the W3C trace context `traceparent` (and `tracestate`), so the
/// span joins the caller's trace. Call before the span is first entered; without a
/// valid context, or with export off, the span stays where it is.
pub fn continue_trace(span: &tracing::Span, traceparent: Option<&str>, tracestate: Option<&str>) {
    let Some(traceparent) = traceparent else {
        return;
    };
    let mut carrier = HashMap::with_capacity(2);
    carrier.insert("traceparent".to_owned(), traceparent.to_owned());
    if let Some(tracestate) = tracestate {
        carrier.insert("tracestate".to_owned(), tracestate.to_owned());
    }
    let context = TraceContextPropagator::new().extract(&carrier);
    let _ = span.set_parent(context);
}

/// Makes `span`, which handles a batch of events, part of their traces: a child of the
/// first event's trace and linked to every other event's, as OpenTelemetry's messaging
/// conventions do for batch consumers.
pub fn continue_traces<'a>(span: &tracing::Span, traceparents: impl IntoIterator<Item = &'a str>) {
    let mut traceparents = traceparents.into_iter();
    let Some(first) = traceparents.next() else {
        return;
    };
    continue_trace(span, Some(first), None);
    for traceparent in traceparents {
        let carrier = HashMap::from([("traceparent".to_owned(), traceparent.to_owned())]);
        let context = TraceContextPropagator::new().extract(&carrier);
        let linked = context.span().span_context().clone();
        if linked.is_valid() {
            span.add_link(linked);
        }
    }
}

/// The W3C `traceparent` of the current span, when spans are exported; events carry it
/// so that their consumers continue the trace.
pub fn current_traceparent() -> Option<String> {
    if !exporting() {
        return None;
    }
    let context = tracing::Span::current().context();
    let mut carrier: HashMap<String, String> = HashMap::new();
    TraceContextPropagator::new().inject_context(&context, &mut carrier);
    carrier.remove("traceparent")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_export_nothing_changes() {
        let span = tracing::info_span!("test");
        continue_trace(&span, Some("not a traceparent"), None);
        continue_trace(&span, None, None);
        assert_eq!(current_traceparent(), None);
    }
}
