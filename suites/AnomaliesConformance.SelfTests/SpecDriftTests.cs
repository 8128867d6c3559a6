using AnomaliesConformance.Core.Specs;
using AnomaliesConformance.SelfTests.Support;
using FluentAssertions;
using Microsoft.OpenApi.Any;
using Microsoft.OpenApi.Models;
using NUnit.Framework;
using static AnomaliesConformance.SelfTests.Support.OpenApiDocuments;

namespace AnomaliesConformance.SelfTests;

/// <summary>The drift comparer on its own: two documents in, the differences of each kind out, each naming the side it is only in.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class SpecDriftTests
{
    private const string Target = SpecDrift.OnlyInTarget;
    private const string InSpecs = SpecDrift.OnlyInSpecs;

    [Test]
    public void A_description_and_its_json_copy_have_no_drift()
    {
        SpecDrift.Compare(Read(Json(Specs())), Specs()).Should().BeEmpty();
    }

    [Test]
    public void Path_parameter_names_are_not_drift()
    {
        var target = Changed(d =>
        {
            var item = d.Paths[HistoryPath];
            d.Paths.Remove(HistoryPath);
            // A copy written inline: the $ref'd component is shared by every per-anomaly path.
            var id = item.Parameters.Single(p => p.In == ParameterLocation.Path);
            item.Parameters = [new OpenApiParameter(id) { Name = "anomaly", Reference = null }];
            d.Paths["/api/anomalies/{anomaly}/history"] = item;
        });

        SpecDrift.Compare(target, Specs()).Should().BeEmpty("{id} and {anomaly} in the same place of the same template are the same parameter");
    }

    [Test]
    public void An_operation_only_one_side_has_is_one_item_without_its_parameters_or_statuses()
    {
        var drift = SpecDrift.Compare(Changed(d => d.Paths.Remove(RemovedPath)), Specs());

        drift.Should().Equal(new DriftItem(DriftKinds.Operation, $"GET {RemovedPath}", RemovedOperationId, InSpecs));
        SpecDrift.Compare(Specs(), Changed(d => d.Paths.Remove(RemovedPath))).Single().OnlyIn.Should().Be(Target, "the same difference seen from the other side");
    }

    [Test]
    public void Operations_differ_by_method_as_well_as_by_path()
    {
        var target = Changed(d => d.Paths[HistoryPath].Operations[OperationType.Head] = new OpenApiOperation { OperationId = "headHistory", Responses = new OpenApiResponses { ["200"] = new OpenApiResponse { Description = "ok" } } });

        SpecDrift.Compare(target, Specs()).Should().Equal(new DriftItem(DriftKinds.Operation, $"HEAD {HistoryPath}", "headHistory", Target));
    }

    [Test]
    public void A_parameter_only_the_target_has_is_named_with_its_location()
    {
        var target = Changed(d => d.Paths[ListPath].Operations[OperationType.Get].Parameters.Add(
            new OpenApiParameter { Name = AddedParameter, In = ParameterLocation.Header, Schema = new OpenApiSchema { Type = "string" } }));

        SpecDrift.Compare(target, Specs()).Should().Equal(new DriftItem(DriftKinds.Parameter, $"GET {ListPath}", $"header {AddedParameter}", Target));
    }

    [Test]
    public void A_parameter_required_on_one_side_only_names_the_side_that_requires_it()
    {
        var target = Changed(d => d.Paths[ListPath].Operations[OperationType.Get].Parameters.Single(p => p.Name == "search").Required = true);

        SpecDrift.Compare(target, Specs()).Should().Equal(new DriftItem(DriftKinds.ParameterRequired, $"GET {ListPath}", "query search", Target));
        SpecDrift.Compare(Specs(), target).Should().Equal(new DriftItem(DriftKinds.ParameterRequired, $"GET {ListPath}", "query search", InSpecs));
    }

    [Test]
    public void A_status_only_the_specs_have_is_one_item_without_its_fields()
    {
        var target = Changed(d => d.Paths[HistoryPath].Operations[OperationType.Get].Responses.Remove("200"));

        SpecDrift.Compare(target, Specs()).Should().Equal(new DriftItem(DriftKinds.Status, $"GET {HistoryPath}", "200", InSpecs));
    }

    [Test]
    public void An_enum_value_dropped_from_a_parameter_is_only_in_the_specs()
    {
        var target = Changed(d =>
        {
            var archived = d.Paths[ListPath].Operations[OperationType.Get].Parameters.Single(p => p.Name == "archived").Schema.Enum;
            archived.Remove(archived.OfType<OpenApiString>().Single(v => v.Value == DroppedArchivedValue));
        });

        SpecDrift.Compare(target, Specs()).Should().Equal(new DriftItem(DriftKinds.Enum, $"GET {ListPath} query archived", DroppedArchivedValue, InSpecs));
    }

    [Test]
    public void An_enum_value_added_to_a_shared_schema_shows_at_each_parameter_and_field_that_uses_it()
    {
        var target = Changed(d => d.Components.Schemas["AnomalyStatusType"].Enum.Add(new OpenApiString("Escalated")));

        var drift = SpecDrift.Compare(target, Specs());

        drift.Should().OnlyContain(i => i.Kind == DriftKinds.Enum && i.Name == "Escalated" && i.OnlyIn == Target);
        drift.Select(i => i.Where).Should().Contain([
            $"GET {ListPath} query status",
            $"GET {ListPath} 200 items[].status",
            "GET /api/anomalies/{id} 200 status",
        ], "array parameters are compared by their items, and fields by their dotted path through the list envelope");
    }

    [Test]
    public void Response_fields_are_compared_at_the_top_through_array_items_and_nested_following_refs()
    {
        var target = Changed(d =>
        {
            d.Components.Schemas["Anomaly"].Properties[AddedAnomalyProperty] = new OpenApiSchema { Type = "string" };
            d.Components.Schemas["FailedCheck"].Properties.Remove("rule_type");
            d.Components.Schemas["FailedCheck"].Required.Remove("rule_type");
        });

        var drift = SpecDrift.Compare(target, Specs());

        drift.Should().Contain([
            new DriftItem(DriftKinds.ResponseField, "GET /api/anomalies/{id} 200", AddedAnomalyProperty, Target),
            new DriftItem(DriftKinds.ResponseField, $"GET {ListPath} 200", $"items[].{AddedAnomalyProperty}", Target),
            new DriftItem(DriftKinds.ResponseField, "GET /api/anomalies/{id} 200", "failed_checks[].rule_type", InSpecs),
            new DriftItem(DriftKinds.ResponseField, $"GET {RemovedPath} 200", "[].rule_type", InSpecs),
        ]);
        drift.Should().OnlyContain(i => i.Kind == DriftKinds.ResponseField);
    }

    [Test]
    public void A_request_body_field_only_the_target_has_is_a_request_field()
    {
        var target = Changed(d => d.Components.Schemas["AnomalyUpdate"].Properties["priority"] = new OpenApiSchema { Type = "integer" });

        SpecDrift.Compare(target, Specs()).Should().Contain(new DriftItem(DriftKinds.RequestField, "PUT /api/anomalies/{id} request body", "priority", Target))
            .And.OnlyContain(i => i.Kind == DriftKinds.RequestField);
    }

    [Test]
    public void A_schema_that_contains_itself_is_walked_without_end()
    {
        var node = new OpenApiSchema { Type = "object", Properties = { ["name"] = new OpenApiSchema { Type = "string" } } };
        node.Properties["children"] = new OpenApiSchema { Type = "array", Items = node };
        var target = Specs();
        target.Paths[HistoryPath].Operations[OperationType.Get].Responses["200"].Content["application/json"].Schema = node;

        var drift = SpecDrift.Compare(target, Specs());

        drift.Where(i => i.Where == $"GET {HistoryPath} 200" && i.OnlyIn == Target).Select(i => i.Name)
            .Should().BeEquivalentTo(["name", "children"], "the walk stops where the schema repeats");
    }

    [Test]
    public void The_drifted_copy_of_the_self_tests_differs_in_one_item_of_each_change()
    {
        var drift = SpecDrift.Compare(Changed(Drift), Specs());

        drift.Should().Contain([
            new DriftItem(DriftKinds.Operation, $"GET {RemovedPath}", RemovedOperationId, InSpecs),
            new DriftItem(DriftKinds.Parameter, $"GET {ListPath}", $"query {AddedParameter}", Target),
            new DriftItem(DriftKinds.Enum, $"GET {ListPath} query archived", DroppedArchivedValue, InSpecs),
            new DriftItem(DriftKinds.ResponseField, "GET /api/anomalies/{id} 200", AddedAnomalyProperty, Target),
            new DriftItem(DriftKinds.Status, $"GET {HistoryPath}", RemovedHistoryStatus, InSpecs),
        ]);
        drift.Where(i => i.Kind != DriftKinds.ResponseField).Should().HaveCount(4, "only the added property shows in several places (every answer carrying an anomaly)");
    }
}
