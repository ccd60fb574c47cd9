using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace XcpTunnel.Health;

/// <summary>
/// Aggregates the instruments of one <see cref="Meter"/> and writes them in the Prometheus text
/// exposition format (version 0.0.4). Instrument names are the Prometheus names, unchanged.
/// Counters add up, observable counters and gauges are read at each scrape, histograms use the
/// instrument's advised bucket boundaries.
/// </summary>
/// <remarks>
/// Listening to one Meter instance (not a name) keeps each daemon host's numbers to itself, so tests
/// running hosts side by side do not see each other's connections.
/// </remarks>
internal sealed class PrometheusTextExporter : IDisposable
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private static readonly double[] DefaultBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, Family> _families = new();
    private readonly Lock _scrape = new();

    public PrometheusTextExporter(Meter meter)
    {
        ArgumentNullException.ThrowIfNull(meter);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, meter))
            {
                _families[instrument] = new Family(instrument);
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.MeasurementsCompleted = (instrument, _) => _families.TryRemove(instrument, out Family? _);
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>Reads the observable instruments and renders every family.</summary>
    public string Scrape()
    {
        var text = new StringBuilder();
        lock (_scrape)
        {
            foreach (var family in _families.Values.Where(f => f.IsObservable))
            {
                family.Clear();
            }

            _listener.RecordObservableInstruments();
            foreach (var family in _families.Values.OrderBy(f => f.Instrument.Name, StringComparer.Ordinal))
            {
                family.Render(text);
            }
        }

        return text.ToString();
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (_families.TryGetValue(instrument, out var family))
        {
            family.Record(value, Labels(tags));
        }
    }

    // Tags are rendered once into the label text, which is also the series key: callers pass tags in a fixed order.
    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty)
        {
            return string.Empty;
        }

        var text = new StringBuilder();
        foreach (var (name, value) in tags)
        {
            text.Append(text.Length == 0 ? "" : ",").Append(name).Append("=\"");
            AppendEscaped(text, Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty, escapeQuotes: true);
            text.Append('"');
        }

        return text.ToString();
    }

    private static void AppendEscaped(StringBuilder text, string value, bool escapeQuotes)
    {
        foreach (var c in value)
        {
            _ = c switch
            {
                '\\' => text.Append(@"\\"),
                '\n' => text.Append(@"\n"),
                '"' when escapeQuotes => text.Append("\\\""),
                _ => text.Append(c),
            };
        }
    }

    private static string Number(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf"
        : double.IsNegativeInfinity(value) ? "-Inf"
        : double.IsNaN(value) ? "NaN"
        : value.ToString("R", CultureInfo.InvariantCulture);

    private static string WithLabel(string labels, string extra) =>
        "{" + (labels.Length == 0 ? extra : labels + "," + extra) + "}";

    private static string Braced(string labels) => labels.Length == 0 ? string.Empty : "{" + labels + "}";

    /// <summary>All series of one instrument.</summary>
    private sealed class Family
    {
        private readonly ConcurrentDictionary<string, Series> _series = new(StringComparer.Ordinal);
        private readonly double[]? _buckets;
        private readonly string _type;

        public Family(Instrument instrument)
        {
            Instrument = instrument;
            IsObservable = instrument.IsObservable;
            (_type, _buckets) = instrument switch
            {
                Histogram<double> h => ("histogram", h.Advice?.HistogramBucketBoundaries?.ToArray() ?? DefaultBuckets),
                Counter<long> or Counter<int> or Counter<double> => ("counter", null),
                ObservableCounter<long> or ObservableCounter<int> or ObservableCounter<double> => ("counter", null),
                _ => ("gauge", (double[]?)null),
            };
        }

        public Instrument Instrument { get; }

        public bool IsObservable { get; }

        public void Clear() => _series.Clear();

        public void Record(double value, string labels)
        {
            var series = _series.GetOrAdd(labels, static (_, buckets) => new Series(buckets), _buckets);
            lock (series)
            {
                if (_buckets is not null)
                {
                    var i = Array.FindIndex(_buckets, b => value <= b);
                    series.BucketCounts![i < 0 ? _buckets.Length : i]++;
                    series.Count++;
                    series.Value += value;
                }
                else if (IsObservable || _type == "gauge")
                {
                    series.Value = value;
                }
                else
                {
                    series.Value += value;
                }
            }
        }

        public void Render(StringBuilder text)
        {
            var name = Instrument.Name;
            text.Append("# HELP ").Append(name).Append(' ');
            AppendEscaped(text, Instrument.Description ?? name, escapeQuotes: false);
            text.Append('\n').Append("# TYPE ").Append(name).Append(' ').Append(_type).Append('\n');
            foreach (var (labels, series) in _series.OrderBy(s => s.Key, StringComparer.Ordinal))
            {
                lock (series)
                {
                    if (_buckets is null)
                    {
                        text.Append(name).Append(Braced(labels)).Append(' ').Append(Number(series.Value)).Append('\n');
                        continue;
                    }

                    long cumulative = 0;
                    for (var i = 0; i <= _buckets.Length; i++)
                    {
                        cumulative += series.BucketCounts![i];
                        var le = i < _buckets.Length ? Number(_buckets[i]) : "+Inf";
                        text.Append(name).Append("_bucket").Append(WithLabel(labels, $"le=\"{le}\"")).Append(' ')
                            .Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
                    }

                    text.Append(name).Append("_sum").Append(Braced(labels)).Append(' ').Append(Number(series.Value)).Append('\n');
                    text.Append(name).Append("_count").Append(Braced(labels)).Append(' ')
                        .Append(series.Count.ToString(CultureInfo.InvariantCulture)).Append('\n');
                }
            }
        }
    }

    private sealed class Series(double[]? buckets)
    {
        public double Value { get; set; }

        public long Count { get; set; }

        public long[]? BucketCounts { get; } = buckets is null ? null : new long[buckets.Length + 1];
    }
}
