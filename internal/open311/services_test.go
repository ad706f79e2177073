package open311_test

import (
	"encoding/xml"
	"reflect"
	"slices"
	"testing"
)

func TestDiscoveryAnswersTheSameInXMLAndJSON(t *testing.T) {
	e := setup(t)
	type endpoint struct {
		Specification string   `xml:"specification" json:"specification"`
		URL           string   `xml:"url" json:"url"`
		Changeset     string   `xml:"changeset" json:"changeset"`
		Type          string   `xml:"type" json:"type"`
		Formats       []string `xml:"formats>format" json:"formats"`
	}
	type discovery struct {
		XMLName   xml.Name   `xml:"discovery" json:"-"`
		Changeset string     `xml:"changeset" json:"changeset"`
		Contact   string     `xml:"contact" json:"contact"`
		Endpoints []endpoint `xml:"endpoints>endpoint" json:"endpoints"`
	}
	var x, j discovery
	e.both(t, "/open311/v2/discovery", "", &x, &j)
	j.XMLName = x.XMLName
	if !reflect.DeepEqual(x, j) {
		t.Errorf("XML %+v\nJSON %+v", x, j)
	}
	if len(x.Endpoints) != 1 || x.Endpoints[0].Specification != "http://wiki.open311.org/GeoReport_v2" ||
		x.Endpoints[0].URL != e.srv.URL+"/open311/v2" || !slices.Equal(x.Endpoints[0].Formats, []string{"text/xml", "application/json"}) {
		t.Errorf("endpoints %+v", x.Endpoints)
	}
}

func TestServicesListOneServicePerCategoryInBothFormats(t *testing.T) {
	e := setup(t)
	var x struct {
		XMLName  xml.Name        `xml:"services"`
		Services []clientService `xml:"service"`
	}
	var j []clientService
	e.both(t, "/open311/v2/services", "", &x, &j)
	if !reflect.DeepEqual(x.Services, j) {
		t.Fatalf("XML and JSON differ:\n%+v\n%+v", x.Services, j)
	}
	want := e.count(t, `SELECT count(*) FROM categories WHERE active AND open311_code IS NOT NULL`)
	if len(j) != want || want < 50 {
		t.Errorf("%d services, want one per category with an Open311 code (%d)", len(j), want)
	}
	var dog, litter *clientService
	for i := range j {
		switch j[i].ServiceCode {
		case "test-dog":
			dog = &j[i]
		case "exposed-litter":
			litter = &j[i]
		}
	}
	if dog == nil || dog.ServiceName != "测试不文明养犬" || !dog.Metadata || dog.Type != "realtime" || dog.Group != "测试" {
		t.Errorf("test-dog: %+v", dog)
	}
	if litter == nil || litter.Group != "市容环境" || litter.Keywords != "E01-10, event, 0110" || litter.Description == "" {
		t.Errorf("exposed-litter: %+v", litter)
	}
	// A jurisdiction_id that is this city's is accepted.
	if r := e.get(t, "/open311/v2/services.json?jurisdiction_id=371400"); r.status != 200 {
		t.Errorf("services for jurisdiction 371400: %d %s", r.status, r.body)
	}
}

func TestAServiceDefinitionListsTheCategorysAttributesInBothFormats(t *testing.T) {
	e := setup(t)
	var x struct {
		XMLName xml.Name `xml:"service_definition"`
		clientDefinition
	}
	var j clientDefinition
	e.both(t, "/open311/v2/services/test-dog", "", &x, &j)
	for i := range x.Attributes { // XML cannot tell an empty list from none
		if x.Attributes[i].Values == nil {
			x.Attributes[i].Values = []clientValue{}
		}
	}
	if !reflect.DeepEqual(x.clientDefinition, j) {
		t.Fatalf("XML and JSON differ:\n%+v\n%+v", x.clientDefinition, j)
	}
	want := clientDefinition{ServiceCode: "test-dog", Attributes: []clientAttribute{
		{Variable: true, Code: "leash", Datatype: "singlevaluelist", Required: true, Order: 1, Description: "是否拴绳 On a leash?",
			Values: []clientValue{{"yes", "拴绳"}, {"no", "未拴绳"}}},
		{Variable: true, Code: "dogs", Datatype: "number", Order: 2, Description: "几条狗 How many dogs", Values: []clientValue{}},
	}}
	if !reflect.DeepEqual(j, want) {
		t.Errorf("definition %+v\nwant %+v", j, want)
	}
	var none clientDefinition
	var noneX struct {
		XMLName xml.Name `xml:"service_definition"`
		clientDefinition
	}
	e.both(t, "/open311/v2/services/test-litter", "", &noneX, &none)
	if none.ServiceCode != "test-litter" || len(none.Attributes) != 0 || len(noneX.Attributes) != 0 {
		t.Errorf("a service without attributes: %+v", none)
	}
}
