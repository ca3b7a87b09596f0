namespace Portal.Benchmarks;

using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Portal.Core.KeyTemplates;

/// <summary>
/// Key templates against the hand-written string concatenation a developer would write for the
/// same key (the baseline of each category, so the Ratio column is template / hand-written).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class KeyTemplateBenchmarks
{
    private const string Template = "exports/{stream_name}/{date}/{connection_run_id}_{part}.{extension}";
    private static readonly DateTimeOffset Load = new(2025, 4, 14, 11, 23, 45, TimeSpan.Zero);

    private KeyTemplate _template = default!;
    private KeyValues _values;
    private List<PreviewStream> _streams = default!;
    private PreviewRun[] _runs = default!;

    [GlobalSetup]
    public void Setup()
    {
        _template = KeyTemplate.Parse(Template);
        _values = new KeyValues(Load, null, "deadbeef-2359-567a-f5e8-83c536cb4de8", "sales_summary_daily",
            "f52c7268-2359-567a-f5e8-83c536cb4de8", "fad1983d-7446-e5c4-bb46-4578affe02d5", "8e28c4bf-11aa-20aa-0ecf-d23c21c73285", 1, "csv.gz");
        _streams = Enumerable.Range(0, 1000).Select(i => new PreviewStream(Guid.NewGuid().ToString(), $"stream_{i:D4}", null)).ToList();
        _runs = [new PreviewRun(Load, "fad1983d-7446-e5c4-bb46-4578affe02d5")];
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Key")]
    public string HandWrittenKey() => HandWritten(_values.StreamName, _values.Part);

    [Benchmark, BenchmarkCategory("Key")]
    public string TemplateKey() => _template.Expand(_values);

    [Benchmark(Baseline = true), BenchmarkCategory("Preview 1000 streams x 2 parts")]
    public int HandWrittenPreview()
    {
        var keys = new List<string>(2000);
        foreach (var stream in _streams)
            for (var part = 0; part < 2; part++)
                keys.Add("portal/" + HandWritten(stream.Name, part));
        return keys.Count;
    }

    [Benchmark, BenchmarkCategory("Preview 1000 streams x 2 parts")]
    public int TemplatePreview() =>
        KeyPreview.Build(Template, "portal", "csv.gz", "f52c7268-2359-567a-f5e8-83c536cb4de8", _streams, _runs, 2).Keys.Count;

    private string HandWritten(string streamName, long part) =>
        "exports/" + streamName + "/" + Load.UtcDateTime.ToString("yyyy_MM_dd", CultureInfo.InvariantCulture) + "/"
        + _values.ConnectionRunId + "_" + part.ToString("D12", CultureInfo.InvariantCulture) + "." + _values.Extension;
}
