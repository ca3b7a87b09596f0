namespace Portal.IntegrationTests.Setup;

using System.Diagnostics;
using Amazon.S3;
using Amazon.S3.Model;
using Portal.Core.Connections;
using Portal.Core.Setup;
using Portal.Tests.Shared;

/// <summary>
/// The setup page's get–merge–put lifecycle command, run as a customer would (the AWS CLI and jq) against a real bucket:
/// the bucket's own rules stay, this connection's rules are there once however often it runs, another connection's stay.
/// </summary>
[Collection(CephCollection.Name)]
public sealed class LifecycleMergeTests(CephServer ceph)
{
    private static Connection Connection(string bucket, string prefix) => new()
    {
        Name = "c", Kind = DeliveryKind.Dump, Bucket = bucket, Region = CephServer.Region, Prefix = prefix, ExternalId = "x",
    };

    private async Task RunAsync(string script)
    {
        var start = new ProcessStartInfo("bash", ["-c", script]) { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = Directory.CreateTempSubdirectory().FullName };
        start.Environment["AWS_ACCESS_KEY_ID"] = CephServer.AccessKey;
        start.Environment["AWS_SECRET_ACCESS_KEY"] = CephServer.SecretKey;
        start.Environment["AWS_DEFAULT_REGION"] = CephServer.Region;
        start.Environment["AWS_ENDPOINT_URL"] = ceph.Endpoint;
        using var process = Process.Start(start)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, error);
    }

    private async Task<List<string>> RuleIdsAsync(string bucket)
    {
        using var s3 = ceph.CreateClient();
        var rules = (await s3.GetLifecycleConfigurationAsync(new GetLifecycleConfigurationRequest { BucketName = bucket })).Configuration?.Rules ?? [];
        return rules.Select(r => r.Id).Order(StringComparer.Ordinal).ToList();
    }

    [Fact]
    public async Task The_merge_command_keeps_the_buckets_own_rules_and_another_connections()
    {
        var bucket = await ceph.CreateBucketAsync("lc");
        using (var s3 = ceph.CreateClient())
        {
            await s3.PutLifecycleConfigurationAsync(new PutLifecycleConfigurationRequest
            {
                BucketName = bucket,
                Configuration = new LifecycleConfiguration
                {
                    Rules = [new LifecycleRule { Id = "customers-own-rule", Status = LifecycleRuleStatus.Enabled, Filter = new LifecycleFilter { LifecycleFilterPredicate = new LifecyclePrefixPredicate { Prefix = "logs/" } }, Expiration = new LifecycleRuleExpiration { Days = 30 } }],
                },
            });
        }
        var first = Connection(bucket, "portal/");
        var second = Connection(bucket, "other/");
        var merge = SetupPolicies.MergeLifecycleCli(bucket, SetupPolicies.LifecycleConfiguration(first));

        await RunAsync(merge);
        await RunAsync(merge); // again: nothing doubles
        await RunAsync(SetupPolicies.MergeLifecycleCli(bucket, SetupPolicies.LifecycleConfiguration(second)));

        var expected = new[] { "customers-own-rule" }
            .Concat(SetupPolicies.LifecycleConfiguration(first)["Rules"]!.AsArray().Select(r => (string)r!["ID"]!))
            .Concat(SetupPolicies.LifecycleConfiguration(second)["Rules"]!.AsArray().Select(r => (string)r!["ID"]!))
            .Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, await RuleIdsAsync(bucket));
    }

    [Fact]
    public async Task On_a_bucket_without_rules_the_merge_command_adds_the_connections()
    {
        var bucket = await ceph.CreateBucketAsync("lc");
        var connection = Connection(bucket, "");

        await RunAsync(SetupPolicies.MergeLifecycleCli(bucket, SetupPolicies.LifecycleConfiguration(connection)));

        Assert.Equal(2, (await RuleIdsAsync(bucket)).Count);
    }

    [Fact]
    public async Task The_plain_command_replaces_the_buckets_rules_which_is_why_the_page_warns()
    {
        var bucket = await ceph.CreateBucketAsync("lc");
        var connection = Connection(bucket, "portal/");
        await RunAsync(SetupPolicies.MergeLifecycleCli(bucket, SetupPolicies.LifecycleConfiguration(Connection(bucket, "other/"))));

        await RunAsync($"aws s3api put-bucket-lifecycle-configuration --bucket {bucket} --lifecycle-configuration '{SetupPolicies.LifecycleConfiguration(connection).ToJsonString()}'");

        Assert.Equal(2, (await RuleIdsAsync(bucket)).Count); // the other connection's two rules are gone
    }
}
