package citygen

// The pools the sample frontage units draw their names and contacts from.

// trade is what a shop sells or does; company: registered as an
// enterprise (licence 91…) rather than an individual business (92…).
type trade struct {
	name    string
	company bool
}

// trades, repeated by how common they are along a Chinese street.
var trades = []trade{
	{"烧烤", false}, {"烧烤", false}, {"羊汤馆", false}, {"水饺馆", false}, {"面馆", false}, {"面馆", false},
	{"包子铺", false}, {"快餐", false}, {"火锅店", false}, {"川菜馆", false}, {"鲁菜馆", false}, {"早餐店", false},
	{"麻辣烫", false}, {"扒鸡专卖店", false}, {"扒鸡专卖店", false}, {"蛋糕房", false}, {"奶茶店", false},
	{"炸鸡店", false}, {"砂锅居", false}, {"大酒店", true}, {"饭庄", false}, {"烤鸭店", false},
	{"超市", false}, {"超市", false}, {"超市", true}, {"便利店", false}, {"便利店", false}, {"五金", false},
	{"五金", false}, {"烟酒", false}, {"烟酒店", false}, {"水果店", false}, {"粮油店", false}, {"副食店", false},
	{"茶叶店", false}, {"服装店", false}, {"鞋店", false}, {"眼镜店", false}, {"鲜花店", false}, {"文具店", false},
	{"书店", false}, {"母婴店", false}, {"手机店", false}, {"家电", true}, {"建材", false}, {"建材", true},
	{"灯具店", false}, {"日用百货", false}, {"调料店", false}, {"药店", false}, {"大药房", true}, {"大药房", true},
	{"理发店", false}, {"美发", false}, {"美容院", false}, {"干洗店", false}, {"洗车行", false}, {"汽修", false},
	{"汽车修理厂", true}, {"电动车行", false}, {"轮胎店", false}, {"开锁店", false}, {"打印复印", false},
	{"手机维修", false}, {"诊所", false}, {"口腔诊所", true}, {"宾馆", false}, {"快捷酒店", true},
	{"洗浴中心", true}, {"摄影", false}, {"装饰公司", true}, {"房产中介", true}, {"彩票站", false},
	{"快递驿站", false}, {"网吧", false}, {"棋牌室", false}, {"足疗店", false}, {"门窗店", false}, {"窗帘店", false},
	{"床上用品", false}, {"渔具店", false}, {"宠物店", false}, {"农资店", false}, {"酒水批发", false},
}

// shopWords are the auspicious and homely words shop names start with.
var shopWords = []string{
	"鑫源", "顺达", "宏发", "金利", "永兴", "华联", "好又多", "福满多", "惠民", "便民", "百姓", "利民", "兴隆",
	"鸿运", "恒通", "德源", "德润", "德百", "运河", "长河", "天衢", "新湖", "金鼎", "聚福", "万家", "家家乐",
	"好邻居", "益康", "康泰", "仁和", "同仁", "佳美", "丽人", "靓丽", "时尚", "名流", "金太阳", "东方", "红星",
	"明珠", "顺心", "如意", "吉祥", "盛源", "宝丰", "广源", "春雨", "阳光", "新世纪", "大众", "平价", "诚信",
	"实惠", "鲁北", "德州", "齐鲁", "金穗", "丰泽", "众鑫", "瑞丰", "和顺", "福源", "隆盛", "通达", "旺角",
	"乐购", "一品", "老字号", "正宗", "好客", "家和", "金色", "蓝天", "绿源", "百惠", "优品", "亿家",
}

// institutions: units that are not shops, named after their street (%s).
var institutions = []struct{ pattern, kind string }{
	{"%s小学", "12"},
	{"%s社区卫生服务站", "12"},
	{"%s邮政支局", "91"},
	{"中国工商银行德州%s支行", "91"},
	{"中国建设银行德州%s支行", "91"},
	{"中国农业银行德州%s支行", "91"},
	{"德州农商银行%s支行", "91"},
	{"中国移动%s营业厅", "91"},
	{"中国联通%s营业厅", "91"},
	{"国网德州供电公司%s营业厅", "91"},
	{"%s加油站", "91"},
	{"%s幼儿园", "12"},
}

// surnames, most common first (the first twenty also name shops of units
// without a contact).
var surnames = []string{
	"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗",
	"郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡",
	"余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金",
	"石", "廖", "贾", "夏", "韦", "付", "方", "白", "邹", "孟", "熊", "秦", "邱", "江", "尹", "薛", "闫", "段", "雷", "侯",
	"王", "李", "张", "刘", "王", "李", "张", "刘", "杨", "赵", "孙", "马", // the north's commonest, again
}

// givenNames are the characters given names are made of.
var givenNames = []string{
	"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀", "霞", "平",
	"刚", "桂", "英", "华", "建", "国", "文", "玉", "兰", "志", "红", "海", "春", "梅", "林", "斌", "宇", "浩", "凯", "鹏",
	"辉", "波", "飞", "鑫", "晨", "欣", "悦", "婷", "雪", "琳", "晓", "东", "峰", "亮", "成", "庆", "德", "福", "贵", "荣",
	"新", "忠", "宝", "金", "凤", "翠", "云", "莉", "萍", "燕", "佳", "子", "涵", "瑞", "博", "睿", "俊", "泽", "昊", "然",
}
