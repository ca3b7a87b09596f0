namespace Portal.IntegrationTests.Delivery;

using System.Globalization;
using Parquet.Serialization;
using Portal.Tests.Shared;

[Collection(CephCollection.Name)]
public sealed class ParquetDumpTests(CephServer ceph)
{
    [Fact]
    public async Task Parquet_files_have_typed_columns_that_read_back_equal_to_the_source()
    {
        using var dump = new DumpHarness(ceph, await ceph.CreateBucketAsync("parquet"));
        dump.Connection.Format = "parquet";
        dump.Connection.Compression = "none";

        var outcome = await dump.RunAsync(1, new DateTimeOffset(2025, 4, 14, 11, 23, 45, TimeSpan.Zero));

        foreach (var table in ChinookExpectations.Tables())
        {
            var stream = outcome.Streams.Single(s => string.Equals(s.Name, table, StringComparison.OrdinalIgnoreCase));
            var rows = new List<IDictionary<string, object?>>();
            foreach (var file in stream.Files)
            {
                Assert.EndsWith(".parquet", file.Key, StringComparison.Ordinal);
                var result = await ParquetSerializer.DeserializeUntypedAsync(new MemoryStream(await dump.GetAsync(file.Key)));
                rows.AddRange(result.Data.Select(d => (IDictionary<string, object?>)d!));
            }
            var expected = ChinookExpectations.Rows(table);
            Assert.Equal(expected.Count, rows.Count);
            for (var i = 0; i < expected.Count; i++)
            {
                foreach (var (column, declared, raw) in expected[i])
                {
                    // The untyped reader leaves nulls out of a row.
                    var actual = rows[i].TryGetValue(column, out var v) ? v : null;
                    switch (raw)
                    {
                        case null: Assert.Null(actual); break;
                        case long l: Assert.Equal(l, Assert.IsType<long>(actual)); break;
                        case double d when declared.StartsWith("NUMERIC", StringComparison.Ordinal):
                            Assert.Equal(decimal.Parse(d.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture), Assert.IsType<decimal>(actual));
                            break;
                        case string s when declared.Contains("DATETIME", StringComparison.Ordinal):
                            Assert.Equal(DateTime.ParseExact(s, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), Assert.IsType<DateTime>(actual));
                            break;
                        default: Assert.Equal(raw, actual); break;
                    }
                }
            }
        }
    }
}
