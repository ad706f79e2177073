package problemgen

// The categories a generated ticket can carry: the seeded categories of
// migrations/004_categories.sql (code, name and handling time limit copied
// from there; a test compares them) with how often the hotline sees each
// one, when, where, and what citizens say about it.

// placeMode says where a category's problems happen.
type placeMode uint8

const (
	placeStreet   placeMode = iota // along streets, in busy zones and in front of shops, denser in the urban core
	placeFrontage                  // mostly right in front of a shop (店外经营, 门头牌匾)
	placeJunction                  // at junctions of arterial and secondary streets (signals, helmets, red lights)
	placeBlock                     // inside blocks: residential yards, green spaces, waterways
	placeRural                     // in the towns (镇): rural markets, open burning
)

// category is one seeded category and its model.
type category struct {
	code, name string
	limitWH    float64 // handling time limit in working hours (8 h = one working day), as seeded
	weight     float64 // background share, per mille of background tickets
	hot        float64 // weight when choosing the category of a hot place (0: never recurs as one)
	hours      *[24]float64
	week       *[7]float64  // Sunday first, as time.Weekday
	season     *[12]float64 // January first
	mode       placeMode
	texts      []string // complaint templates: {s} the street, {p} a place word
}

// Daily rhythms: relative number of calls in each hour of the day.
var (
	hoursDefault = [24]float64{0.6, 0.3, 0.2, 0.15, 0.2, 0.5, 1.5, 3.5, 6.5, 8.5, 9, 7.5, 5, 5, 6.5, 7, 7, 6.5, 6.5, 7.5, 7.5, 6, 3.5, 1.8}
	hoursMarket  = [24]float64{0.4, 0.2, 0.1, 0.1, 0.3, 1.5, 5, 8.5, 9, 8.5, 7, 5.5, 4, 3.5, 4, 5, 6.5, 8, 8, 7, 5, 3, 1.5, 0.8}
	hoursEvening = [24]float64{1.5, 0.5, 0.3, 0.2, 0.2, 0.3, 0.8, 1.5, 2.5, 3, 3, 3, 3, 3, 3, 3.5, 4, 5.5, 8, 10, 10.5, 9, 6, 3}
	hoursNight   = [24]float64{4, 2, 1, 0.5, 0.4, 0.8, 2, 4, 5, 5, 4, 3.5, 4, 4, 3.5, 3.5, 3.5, 3.5, 4, 4.5, 5.5, 7, 8.5, 7}
	hoursDusk    = [24]float64{1.5, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 2.5, 4.5, 5.5, 5, 4, 3, 3, 3.5, 4, 4.5, 6, 8.5, 10, 9.5, 7, 4.5, 2.5}
	hoursCommute = [24]float64{0.3, 0.1, 0.1, 0.1, 0.1, 0.4, 2, 9, 8, 6, 5, 4.5, 4, 3.5, 4, 5, 7.5, 8.5, 6, 4, 3, 2, 1, 0.5}
	hoursDogs    = [24]float64{0.5, 0.2, 0.1, 0.1, 0.2, 0.8, 4, 7.5, 6, 4.5, 3.5, 3, 2.5, 2.5, 3, 3.5, 4.5, 6, 8, 9, 8, 5.5, 2.5, 1}
	hoursOffice  = [24]float64{0.3, 0.15, 0.1, 0.1, 0.1, 0.3, 1, 3, 7, 9.5, 9.5, 8, 4.5, 5, 8, 8.5, 8, 6, 3.5, 3, 2.5, 1.5, 0.8, 0.4}
)

// Weekly rhythms, Sunday first.
var (
	weekOffice  = [7]float64{0.82, 1.12, 1.05, 1.02, 1.0, 0.98, 0.85}
	weekLeisure = [7]float64{1.3, 0.92, 0.9, 0.9, 0.92, 1.05, 1.35}
	weekSchool  = [7]float64{0.2, 1.2, 1.2, 1.2, 1.2, 1.15, 0.25}
	weekBuild   = [7]float64{0.7, 1.05, 1.05, 1.05, 1.05, 1.05, 1.0}
)

// Seasons, January first; interpolated between mid-months.
var (
	seasonMild    = [12]float64{0.85, 0.8, 0.95, 1.05, 1.1, 1.1, 1.1, 1.1, 1.05, 1.0, 0.95, 0.9}
	seasonOutdoor = [12]float64{0.75, 0.7, 0.9, 1.0, 1.1, 1.2, 1.25, 1.25, 1.15, 1.05, 0.9, 0.75}
	seasonSummer  = [12]float64{0.3, 0.3, 0.5, 0.8, 1.3, 1.8, 2.0, 1.9, 1.3, 0.8, 0.4, 0.3}
	seasonRain    = [12]float64{0.1, 0.1, 0.2, 0.4, 0.7, 1.5, 4, 3.5, 1.0, 0.3, 0.15, 0.1}
	seasonBurn    = [12]float64{0.8, 0.6, 1.2, 0.8, 0.6, 1.3, 0.4, 0.4, 0.8, 2.2, 2.0, 1.0}
	seasonDust    = [12]float64{0.5, 0.4, 1.2, 1.4, 1.3, 1.1, 0.9, 0.9, 1.1, 1.2, 1.1, 0.7}
	seasonDark    = [12]float64{1.3, 1.2, 1.0, 0.9, 0.8, 0.75, 0.8, 0.85, 0.95, 1.1, 1.25, 1.35}
	seasonStorm   = [12]float64{0.6, 0.6, 0.8, 1.0, 1.1, 1.4, 1.8, 1.6, 1.1, 0.9, 0.8, 0.7}
	seasonSchool  = [12]float64{0.7, 0.4, 1.1, 1.1, 1.1, 1.1, 0.5, 0.3, 1.2, 1.1, 1.1, 1.0}
	seasonDogs    = [12]float64{0.8, 0.8, 1.0, 1.15, 1.2, 1.15, 1.05, 1.05, 1.15, 1.1, 0.9, 0.8}
)

// categories holds every seeded category. Background weights are per mille
// and follow the usual 12345 / 数字城管 mix: litter, stalls, parking, flyers,
// shops trading outside, streetlights and dogs lead; structures are rare.
var categories = []category{
	{code: "E01-01", name: "私搭乱建", limitWH: 120, weight: 3, hours: &hoursOffice, week: &weekOffice, season: &seasonDust, mode: placeBlock, texts: []string{
		"{p}有人私自搭建彩钢棚，占用公共空间，请核查。",
		"{s}附近小区楼下有住户违规搭建棚子，影响通行。",
		"反映{s}路边有人私搭乱建简易房，希望相关部门处理。",
	}},
	{code: "E01-10", name: "暴露垃圾", limitWH: 8, weight: 140, hot: 14, hours: &hoursDefault, week: &weekOffice, season: &seasonMild, mode: placeStreet, texts: []string{
		"{s}路边有一堆暴露垃圾，好几天没人清理，气味很大。",
		"{p}垃圾桶旁边散落大量生活垃圾，请尽快清运。",
		"{s}绿化带里扔了很多塑料袋和餐盒，影响市容。",
		"{p}垃圾满溢出来了，苍蝇很多，希望相关部门处理。",
		"市民反映{s}人行道上有暴露垃圾，无人清扫。",
	}},
	{code: "E01-11", name: "积存垃圾渣土", limitWH: 16, weight: 28, hot: 4, hours: &hoursDefault, week: &weekOffice, season: &seasonDust, mode: placeStreet, texts: []string{
		"{s}路边堆了很多建筑垃圾和渣土，长期无人清运。",
		"{p}有装修垃圾堆积，已经堆了一周多了。",
		"{s}空地上积存大量生活垃圾和渣土，请清理。",
	}},
	{code: "E01-12", name: "道路不洁", limitWH: 5, weight: 30, hot: 2, hours: &hoursDefault, week: &weekOffice, season: &seasonMild, mode: placeStreet, texts: []string{
		"{s}路面油污泥土很多，环卫保洁不到位。",
		"{s}路面很脏，落叶垃圾没人扫。",
		"{p}地面有大片污渍，行人走路都粘脚。",
	}},
	{code: "E01-13", name: "水域不洁", limitWH: 24, weight: 4, hours: &hoursDefault, week: &weekLeisure, season: &seasonSummer, mode: placeBlock, texts: []string{
		"{s}附近河道里漂浮很多垃圾，水面发臭。",
		"{s}旁边的沟渠有油污和漂浮物，气味难闻。",
		"反映{s}附近河边垃圾多，水面不干净。",
	}},
	{code: "E01-14", name: "绿地脏乱", limitWH: 8, weight: 20, hot: 1, hours: &hoursDefault, week: &weekLeisure, season: &seasonMild, mode: placeBlock, texts: []string{
		"{s}旁边绿地里垃圾杂物很多，还有犬粪。",
		"{s}绿化带被踩成了土路，里面扔满了垃圾。",
		"{s}街心绿地有人堆放杂物，脏乱不堪。",
	}},
	{code: "E01-20", name: "焚烧垃圾树叶", limitWH: 2, weight: 5, hours: &hoursEvening, week: &weekOffice, season: &seasonBurn, mode: placeRural, texts: []string{
		"{s}附近有人焚烧垃圾，浓烟很大，呛得人受不了。",
		"{p}有人在路边烧树叶，烟雾弥漫。",
		"反映{s}旁边地里有人焚烧秸秆和垃圾。",
	}},
	{code: "E01-36", name: "乱堆物堆料", limitWH: 8, weight: 55, hot: 6, hours: &hoursDefault, week: &weekOffice, season: &seasonMild, mode: placeFrontage, texts: []string{
		"{s}人行道上堆放大量杂物和建材，影响行人通行。",
		"{p}有人长期堆放纸箱和废品，占用人行道。",
		"{s}店铺门前堆放砂石水泥，请督促清理。",
		"{p}乱堆乱放现象严重，希望处理。",
	}},
	{code: "E02-01", name: "非法小广告", limitWH: 8, weight: 75, hot: 6, hours: &hoursDefault, week: &weekOffice, season: &seasonMild, mode: placeStreet, texts: []string{
		"{s}电线杆和墙上贴满了小广告，非常难看。",
		"{p}墙面上被喷涂了办证小广告。",
		"{s}公交站牌上贴了很多开锁、通下水道的小广告。",
		"{s}附近小区单元门口到处是小广告，请清理。",
	}},
	{code: "E02-02", name: "违规张贴悬挂宣传品", limitWH: 8, weight: 10, hours: &hoursOffice, week: &weekOffice, season: &seasonMild, mode: placeStreet, texts: []string{
		"{s}路边树上挂了商家的宣传横幅，影响市容。",
		"{p}有商家在路灯杆上悬挂广告条幅。",
		"{s}沿街有人乱贴宣传海报。",
	}},
	{code: "E02-03", name: "违规户外广告", limitWH: 40, weight: 6, hours: &hoursOffice, week: &weekOffice, season: &seasonMild, mode: placeFrontage, texts: []string{
		"{s}有商户私自设置大型户外广告牌，存在安全隐患。",
		"{p}楼顶的广告牌没有审批，请核查。",
		"{s}路边立了很多落地广告牌，挡住人行道。",
	}},
	{code: "E02-05", name: "门头牌匾破损", limitWH: 24, weight: 8, hours: &hoursOffice, week: &weekOffice, season: &seasonStorm, mode: placeFrontage, texts: []string{
		"{s}一家店铺的门头牌匾破损，随时可能掉下来。",
		"{p}门头招牌缺字，晚上亮化也不全。",
		"{s}沿街牌匾松动，刮风时晃得厉害，很危险。",
	}},
	{code: "E03-01", name: "施工扰民", limitWH: 8, weight: 15, hot: 3, hours: &hoursNight, week: &weekBuild, season: &seasonDust, mode: placeBlock, texts: []string{
		"{s}附近工地夜间施工，噪音很大，影响休息。",
		"{p}半夜还在施工，机器声音吵得睡不着。",
		"{s}旁边工地早上五点就开工，扰民严重。",
	}},
	{code: "E03-02", name: "施工扬尘", limitWH: 8, weight: 12, hours: &hoursOffice, week: &weekBuild, season: &seasonDust, mode: placeBlock, texts: []string{
		"{s}附近工地没有覆盖防尘网，扬尘很大。",
		"{s}工地车辆进出不冲洗，尘土飞扬。",
		"{p}拆迁工地没有洒水降尘，空气很差。",
	}},
	{code: "E03-05", name: "道路遗撒", limitWH: 4, weight: 8, hours: &hoursDefault, week: &weekBuild, season: &seasonDust, mode: placeJunction, texts: []string{
		"{s}路面有大量运输车遗撒的泥土砂石。",
		"{s}有车辆遗撒渣土，路面很滑。",
		"{p}地面遗撒了很多泥浆，请清理。",
	}},
	{code: "E03-11", name: "渣土车未密闭运输", limitWH: 4, weight: 6, hours: &hoursNight, week: &weekBuild, season: &seasonDust, mode: placeJunction, texts: []string{
		"{s}夜间有渣土车未覆盖篷布行驶，沿路撒土。",
		"{s}经常有不密闭的渣土车经过，尘土很大。",
		"反映{s}渣土车没有密闭运输。",
	}},
	{code: "E04-01", name: "无照经营游商", limitWH: 2, weight: 35, hot: 6, hours: &hoursMarket, week: &weekLeisure, season: &seasonOutdoor, mode: placeStreet, texts: []string{
		"{p}有流动商贩推车卖水果，占道经营。",
		"{s}路口有游商摆卖，影响交通。",
		"{p}每天都有三轮车卖菜的游商。",
	}},
	{code: "E04-03", name: "占道废品收购", limitWH: 4, weight: 8, hot: 2, hours: &hoursDefault, week: &weekOffice, season: &seasonMild, mode: placeStreet, texts: []string{
		"{s}有废品收购点占用人行道分拣废品。",
		"{p}收废品的把废品堆在路边，又脏又乱。",
		"{s}废品站占道经营，垃圾遍地。",
	}},
	{code: "E04-05", name: "店外经营", limitWH: 2, weight: 60, hot: 10, hours: &hoursDefault, week: &weekLeisure, season: &seasonMild, mode: placeFrontage, texts: []string{
		"{s}商户把货物摆到店外经营，占用人行道。",
		"{p}饭店在门前摆桌子，行人没法走。",
		"{s}修车铺在店外作业，占道严重。",
		"{s}水果店出店经营，堵住了人行道。",
	}},
	{code: "E04-06", name: "占道经营", limitWH: 2, weight: 100, hot: 20, hours: &hoursMarket, week: &weekLeisure, season: &seasonOutdoor, mode: placeStreet, texts: []string{
		"{s}有人摆摊占道经营，影响车辆和行人通行。",
		"{p}早上有马路市场，摊位占满了道路。",
		"{s}晚上夜市摊点占道，散场后垃圾遍地。",
		"{p}长期有人摆摊卖早点，占用人行道。",
		"{s}路边卖菜的摊点很多，交通拥堵。",
	}},
	{code: "E04-07", name: "露天烧烤", limitWH: 2, weight: 15, hot: 6, hours: &hoursEvening, week: &weekLeisure, season: &seasonSummer, mode: placeFrontage, texts: []string{
		"{s}有烧烤摊在路边露天烧烤，油烟很大。",
		"{p}晚上露天烧烤到半夜，油烟噪音扰民。",
		"{s}烧烤店在门外支炉子烧烤，烟熏火燎。",
	}},
	{code: "E04-09", name: "机动车乱停放", limitWH: 2, weight: 85, hot: 10, hours: &hoursDefault, week: &weekLeisure, season: &seasonMild, mode: placeStreet, texts: []string{
		"{s}人行道上停满了机动车，行人只能走机动车道。",
		"{p}有车辆长期占用消防通道停放。",
		"{s}有车辆停在盲道上，请处理。",
		"{p}车辆乱停乱放，堵住了出入口。",
	}},
	{code: "E04-10", name: "非机动车乱停放", limitWH: 2, weight: 45, hot: 5, hours: &hoursCommute, week: &weekOffice, season: &seasonMild, mode: placeStreet, texts: []string{
		"{p}共享单车堆放杂乱，占用人行道。",
		"{s}电动车乱停乱放，盲道都被挡住了。",
		"{p}自行车和电动车停得到处都是，请规范。",
	}},
	{code: "E05-01", name: "路面塌陷", limitWH: 4, weight: 2, hours: &hoursDefault, week: &weekOffice, season: &seasonRain, mode: placeJunction, texts: []string{
		"{s}路面出现塌陷坑洞，车辆经过很危险。",
		"{s}道路下沉出现大坑，请尽快修复。",
		"{p}路面塌了一块，已有车辆陷进去。",
	}},
	{code: "E05-03", name: "道路积水", limitWH: 4, weight: 6, hot: 2, hours: &hoursDefault, week: &weekOffice, season: &seasonRain, mode: placeJunction, texts: []string{
		"{s}下雨后积水很深，车辆无法通行。",
		"{p}一下雨就积水，行人没法走。",
		"{s}积水没过脚踝，排水口堵了。",
	}},
	{code: "E05-05", name: "供水管道破裂", limitWH: 4, weight: 3, hours: &hoursDefault, week: &weekOffice, season: &seasonDark, mode: placeStreet, texts: []string{
		"{s}路面冒水，像是地下水管破裂了。",
		"{p}自来水管道漏水，水流了一路。",
		"{s}供水管爆裂，路面积水结冰。",
	}},
	{code: "C01-01", name: "上水井盖", limitWH: 4, weight: 5, hours: &hoursDefault, week: &weekOffice, season: &seasonMild, mode: placeStreet, texts: []string{
		"{s}自来水井盖破损，有安全隐患。",
		"{p}上水井盖缺失，晚上很危险。",
		"{s}人行道上的水表井盖松动，踩上去会翻。",
	}},
	{code: "C01-02", name: "污水井盖", limitWH: 4, weight: 7, hours: &hoursDefault, week: &weekOffice, season: &seasonRain, mode: placeStreet, texts: []string{
		"{s}污水井盖破了一个洞，请尽快更换。",
		"{p}污水井盖移位，车辆经过哐哐响。",
		"{s}污水井冒水，井盖不平。",
	}},
	{code: "C01-03", name: "雨水井盖", limitWH: 4, weight: 6, hours: &hoursDefault, week: &weekOffice, season: &seasonRain, mode: placeStreet, texts: []string{
		"{s}雨水井盖丢失，只剩一个黑洞。",
		"{p}雨水井盖下沉，与路面高差很大。",
		"{s}雨水井盖破碎，请更换。",
	}},
	{code: "C01-04", name: "雨水箅子", limitWH: 8, weight: 6, hours: &hoursDefault, week: &weekOffice, season: &seasonRain, mode: placeJunction, texts: []string{
		"{s}雨水箅子被垃圾堵住，下雨排不出水。",
		"{p}雨水箅子断了，自行车轮会卡进去。",
		"{s}路边雨水箅子缺失，请补上。",
	}},
	{code: "C01-05", name: "电力井盖", limitWH: 4, weight: 3, hours: &hoursDefault, week: &weekOffice, season: &seasonMild, mode: placeStreet, texts: []string{
		"{s}电力井盖破损，存在安全隐患。",
		"{p}电力井盖不见了，请尽快补上。",
		"{s}电力井盖翘起，车辆经过很危险。",
	}},
	{code: "C01-07", name: "通讯井盖", limitWH: 4, weight: 4, hours: &hoursDefault, week: &weekOffice, season: &seasonMild, mode: placeStreet, texts: []string{
		"{s}通讯井盖破裂，请相关单位修复。",
		"{p}通信井盖缺失，有人差点掉进去。",
		"{s}人行道上通讯井盖松动。",
	}},
	{code: "C01-19", name: "路灯", limitWH: 24, weight: 45, hot: 2, hours: &hoursDusk, week: &weekOffice, season: &seasonDark, mode: placeStreet, texts: []string{
		"{s}一排路灯晚上都不亮，走夜路很不安全。",
		"{p}路灯坏了好几天了，一直没人修。",
		"{s}路灯白天一直亮着，浪费电。",
		"{s}路灯忽明忽暗，灯罩也掉了。",
	}},
	{code: "C02-03", name: "交通信号灯", limitWH: 8, weight: 6, hours: &hoursCommute, week: &weekOffice, season: &seasonMild, mode: placeJunction, texts: []string{
		"{s}路口红绿灯不亮，交通混乱。",
		"{s}路口信号灯一直闪黄灯，请维修。",
		"{s}人行横道信号灯坏了，过马路很危险。",
	}},
	{code: "C02-04", name: "交通标志牌", limitWH: 24, weight: 5, hours: &hoursOffice, week: &weekOffice, season: &seasonStorm, mode: placeJunction, texts: []string{
		"{s}交通标志牌被树枝遮挡，看不清。",
		"{s}路口的指示牌歪倒了。",
		"{s}限速标志牌缺失，请补设。",
	}},
	{code: "C02-08", name: "道路护栏", limitWH: 24, weight: 6, hours: &hoursDefault, week: &weekOffice, season: &seasonMild, mode: placeJunction, texts: []string{
		"{s}中间的隔离护栏被撞倒了好几段。",
		"{s}护栏破损，有行人从缺口横穿马路。",
		"{p}道路护栏歪斜倒伏，请修复。",
	}},
	{code: "C02-10", name: "公交站亭", limitWH: 24, weight: 4, hours: &hoursCommute, week: &weekOffice, season: &seasonMild, mode: placeStreet, texts: []string{
		"{s}公交站亭玻璃碎了，存在安全隐患。",
		"{s}公交站牌被撞坏，看不清线路。",
		"{p}公交站亭顶棚漏雨，座椅也坏了。",
	}},
	{code: "C02-15", name: "人行道板", limitWH: 40, weight: 14, hours: &hoursDefault, week: &weekOffice, season: &seasonMild, mode: placeStreet, texts: []string{
		"{s}人行道板松动，下雨天一踩一脚泥水。",
		"{p}人行道地砖破损缺失，老人容易绊倒。",
		"{s}盲道砖坏了很多块，请修补。",
	}},
	{code: "C03-01", name: "公共厕所", limitWH: 8, weight: 6, hours: &hoursDefault, week: &weekLeisure, season: &seasonSummer, mode: placeBlock, texts: []string{
		"{s}附近公厕卫生很差，味道很大。",
		"{p}公共厕所白天锁门不开放。",
		"{s}公厕水龙头坏了，冲水也不好用。",
	}},
	{code: "C03-04", name: "果皮箱", limitWH: 8, weight: 18, hot: 1, hours: &hoursDefault, week: &weekLeisure, season: &seasonMild, mode: placeStreet, texts: []string{
		"{s}果皮箱满了没人清，垃圾溢出来。",
		"{p}果皮箱破损，盖子也没了。",
		"{s}一段路都没有果皮箱，请增设。",
	}},
	{code: "C04-01", name: "古树名木", limitWH: 24, weight: 0.5, hours: &hoursOffice, week: &weekOffice, season: &seasonStorm, mode: placeBlock, texts: []string{
		"{s}附近的古树有枯枝，树干也有虫害。",
		"{p}古树的保护围栏坏了，有人在树下堆杂物。",
		"反映{s}旁边的老槐树长势不好，请园林部门看看。",
	}},
	{code: "C04-02", name: "行道树", limitWH: 24, weight: 10, hours: &hoursDefault, week: &weekOffice, season: &seasonStorm, mode: placeStreet, texts: []string{
		"{s}行道树被风刮倒，挡住了道路。",
		"{s}行道树枝条太低，挡住了路灯和车辆。",
		"{p}有一棵行道树枯死了，请清理补植。",
	}},
	{code: "C04-05", name: "绿地", limitWH: 40, weight: 5, hours: &hoursOffice, week: &weekOffice, season: &seasonMild, mode: placeBlock, texts: []string{
		"{s}绿地里苗木缺失，黄土裸露。",
		"{s}旁边绿地被毁，草坪枯死了一大片。",
		"{s}街头绿地的围栏坏了，请修复。",
	}},
	{code: "C04-06", name: "护树设施", limitWH: 40, weight: 4, hours: &hoursOffice, week: &weekOffice, season: &seasonMild, mode: placeStreet, texts: []string{
		"{s}树池箅子丢了，留下一个坑。",
		"{s}护树架倒了，请扶正。",
		"{p}树池盖板破损，容易崴脚。",
	}},
	{code: "L90-01", name: "不文明养犬", limitWH: 2, weight: 40, hot: 5, hours: &hoursDogs, week: &weekLeisure, season: &seasonDogs, mode: placeBlock, texts: []string{
		"{p}经常有人遛狗不拴绳，孩子被吓到了。",
		"{s}有大型犬在小区里乱跑，没人看管。",
		"{p}晚上有狗一直叫，吵得人睡不着。",
		"{s}附近有人遛狗不牵绳，请加强管理。",
	}},
	{code: "L90-02", name: "犬粪未清理", limitWH: 4, weight: 18, hot: 2, hours: &hoursDogs, week: &weekLeisure, season: &seasonDogs, mode: placeBlock, texts: []string{
		"{s}人行道上到处是狗屎，遛狗的人不清理。",
		"{p}草坪上犬粪很多，味道很大。",
		"{p}遛狗后犬粪不清理，请劝导。",
	}},
	{code: "L91-01", name: "骑车未戴头盔", limitWH: 2, weight: 12, hot: 2, hours: &hoursCommute, week: &weekOffice, season: &seasonOutdoor, mode: placeJunction, texts: []string{
		"{s}路口很多骑电动车的人不戴头盔。",
		"{s}早晚高峰电动车驾乘人员普遍不戴安全头盔。",
		"反映{s}路口头盔佩戴率很低，请加强劝导。",
	}},
	{code: "L91-02", name: "电动车闯红灯", limitWH: 2, weight: 10, hot: 2, hours: &hoursCommute, week: &weekOffice, season: &seasonMild, mode: placeJunction, texts: []string{
		"{s}路口电动车闯红灯、逆行的很多，很危险。",
		"{s}上下班时间电动车成群闯红灯。",
		"{s}路口电动车不看信号灯，差点撞到行人。",
	}},
	{code: "L91-03", name: "电动车未上牌", limitWH: 40, weight: 4, hours: &hoursCommute, week: &weekOffice, season: &seasonMild, mode: placeJunction, texts: []string{
		"{s}很多电动车没有挂牌照上路。",
		"{p}有快递电动车没上牌，横冲直撞。",
		"反映{s}附近无牌电动车较多。",
	}},
	{code: "L91-04", name: "违法练车", limitWH: 8, weight: 2, hours: &hoursEvening, week: &weekLeisure, season: &seasonMild, mode: placeStreet, texts: []string{
		"{s}晚上有人在路上练车，来回掉头。",
		"{s}附近有驾校车辆在广场上练车，很不安全。",
		"{s}有人在非练车道路上练车。",
	}},
	{code: "L92-01", name: "集贸市场秩序", limitWH: 8, weight: 8, hot: 3, hours: &hoursMarket, week: &weekLeisure, season: &seasonMild, mode: placeStreet, texts: []string{
		"{s}农贸市场摊位出店占道，市场门口很乱。",
		"{s}菜市场周边卫生很差，污水横流。",
		"{s}集贸市场内外秩序混乱，车辆乱停。",
	}},
	{code: "L92-02", name: "农村集市秩序", limitWH: 16, weight: 6, hot: 2, hours: &hoursMarket, week: &weekLeisure, season: &seasonMild, mode: placeRural, texts: []string{
		"{s}逢集时摊位占满道路，车辆无法通行。",
		"{s}大集散了以后垃圾没人清理。",
		"{p}赶集的摊位摆到了马路中间。",
	}},
	{code: "L93-01", name: "校园周边环境", limitWH: 8, weight: 8, hot: 3, hours: &hoursCommute, week: &weekSchool, season: &seasonSchool, mode: placeStreet, texts: []string{
		"{s}学校门口上下学时交通混乱，车辆乱停。",
		"{s}学校附近有摊贩占道经营，影响学生安全。",
		"{s}放学时家长车辆堵住学校门口。",
	}},
	{code: "L93-02", name: "校园周边三无食品", limitWH: 8, weight: 3, hours: &hoursCommute, week: &weekSchool, season: &seasonSchool, mode: placeFrontage, texts: []string{
		"{s}学校旁边小卖部卖三无零食。",
		"{s}学校门口摊贩卖的食品没有标签。",
		"反映{s}学校周边店铺销售过期食品。",
	}},
	{code: "L94-01", name: "违法建设", limitWH: 120, weight: 2, hours: &hoursOffice, week: &weekOffice, season: &seasonDust, mode: placeBlock, texts: []string{
		"{s}附近有人未经审批加盖房屋。",
		"{p}楼顶违法加建了一层，请核查。",
		"反映{s}附近有违法建设正在施工。",
	}},
	{code: "L95-01", name: "缆线乱拉/飞线", limitWH: 40, weight: 12, hours: &hoursDefault, week: &weekOffice, season: &seasonStorm, mode: placeStreet, texts: []string{
		"{s}电线杆上的缆线垂下来，离地面很低。",
		"{p}通信线缆乱拉乱挂，像蜘蛛网一样。",
		"{s}有废弃缆线缠在树上，存在安全隐患。",
	}},
	{code: "L95-02", name: "飞线充电", limitWH: 8, weight: 14, hot: 2, hours: &hoursEvening, week: &weekOffice, season: &seasonDark, mode: placeBlock, texts: []string{
		"{p}有住户从楼上拉电线给电动车充电。",
		"{s}附近小区楼道里有人给电动车充电，有火灾隐患。",
		"{p}飞线充电现象严重，请尽快处理。",
	}},
	{code: "L96-01", name: "公益广告缺损", limitWH: 24, weight: 3, hours: &hoursOffice, week: &weekOffice, season: &seasonStorm, mode: placeStreet, texts: []string{
		"{s}沿街围挡上的公益广告破损褪色。",
		"{p}公益广告牌被风刮坏了。",
		"{s}公益广告内容过期，请更新。",
	}},
}

// placeWords fill {p}: where on the street the citizen stood.
var placeWords = []string{
	"小区门口", "公交站旁", "路口", "超市门口", "菜市场旁", "医院门口", "银行门前", "广场边上",
	"商铺门前", "人行道上", "绿化带旁", "小区后门", "加油站附近", "幼儿园旁边", "十字路口东侧",
	"十字路口西侧", "桥头", "停车场出口",
}

// repeatPhrases are appended to some tickets of hot places.
var repeatPhrases = []string{
	"已经反映过多次了，一直反复。",
	"这个问题天天都有，希望彻底解决。",
	"上周刚处理过，现在又出现了。",
	"长期存在，请相关部门加强管理。",
	"处理完没几天又回来了。",
}
