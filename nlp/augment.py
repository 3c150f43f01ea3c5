"""Compositional training messages: slots written by hand, combined at random (seeded).

Run: .venv/bin/python -m nlp.augment   (rewrites nlp/data/train/generated.tsv)
The hand-written files teach phrasing; these teach that context flips meaning: the same problem
words reported now (complaint), already solved, asked about as a rule, sold, announced, heard of
elsewhere, or asked about as an earlier report (status).
"""

from __future__ import annotations

import random
from pathlib import Path

OUT = Path(__file__).parent / "data" / "train" / "generated.tsv"
SEED = 7
PER_CATEGORY = 45
CHATTER_PER_CATEGORY = 40

PLACES = [
    "3号楼后面",
    "东门外",
    "地下车库入口",
    "B区",
    "商业街",
    "小区门口",
    "12号楼2单元门口",
    "南门那边",
    "西侧路边",
    "中心花园",
    "7号楼楼下",
    "北门口",
    "5号楼和6号楼之间",
    "小区东北角",
    "一期广场",
    "18栋西边",
    "物业楼旁边",
    "幼儿园门口",
    "菜市场门口",
    "二期车库",
    "门口那条路上",
    "后门",
    "10号楼前面的空地",
    "2号楼东侧",
    "老年活动室旁边",
    "C区",
    "健身器材那里",
    "大门口公交站",
]
OPENERS = [
    "",
    "",
    "",
    "",
    "@城管小助手 ",
    "网格员上报：",
    "举报：",
    "各位邻居，",
    "城管同志，",
    "反映个问题，",
    "又来了，",
    "说个事，",
    "大家看看，",
    "实在忍不了了，",
    "俺们这边",
]
IMPACTS = [
    "",
    "",
    "",
    "，走路都费劲",
    "，孩子老人都不敢过",
    "，晚上根本睡不着",
    "，味道太冲了",
    "，天天这样",
    "，好几天了",
    "，已经一个多星期了",
    "，物业说管不了",
    "，太危险了",
    "，看着闹心",
    "，车都过不去",
    "，嘎嘎吓人",
]
REQUESTS = [
    "",
    "",
    "",
    "，麻烦管管",
    "，请城管来看看",
    "，能不能处理一下",
    "，谁来管管啊",
    "，请尽快处理",
    "，希望执法队员来查一下",
    "，有没有人管",
    "！",
    "。",
    "，麻烦来人看一下",
]

PROBLEMS = {
    "fire_lane_blocked": [
        "的消防通道被私家车堵死了",
        "消防通道上停满了车",
        "有人在消防通道上堆了一堆建材",
        "的消防车道被地锁占了",
        "消防通道让人砌了个花坛",
        "消防通道被几辆三轮车挡住了",
        "的消防通道又被那辆白车占了",
        "消防车道上有人搭了个棚子",
        "生命通道被货车堵着卸货",
    ],
    "illegal_construction": [
        "有人在楼顶私搭了一间彩钢房",
        "一楼住户往外扩建了一大块",
        "有人圈了公共空地盖板房",
        "有户人家在院子里加盖了一层",
        "有人砌墙把公共过道圈起来了",
        "底商破墙开了个门",
        "有人在搭违建，天天往里运砖",
        "新搭了个铁皮棚子还住了人",
        "阳光房越搭越大，都伸到路上了",
    ],
    "clutter": [
        "楼道里堆满了纸箱和旧家具",
        "有人把废品堆在单元门口",
        "堆了一大堆装修材料一直没人清",
        "楼梯口放着好几个破柜子",
        "有人把杂物堆在过道里当仓库",
        "堆着瓷砖沙子水泥袋",
        "旧床垫和破沙发扔了好几天",
        "收废品的把纸壳子堆成了山",
    ],
    "garbage": [
        "的垃圾桶满得溢出来了也没人清运",
        "有人乱扔垃圾，塑料袋满地都是",
        "装修垃圾直接倒在路边",
        "垃圾分类点天天混投",
        "有人在烧树叶和垃圾，烟呛死人",
        "垃圾站好几天没清，臭气熏天",
        "有人从楼上往下扔垃圾",
        "半夜有车来偷倒建筑垃圾",
    ],
    "dog_nuisance": [
        "遛狗的都不牵绳",
        "满地都是狗屎没人清理",
        "有条大狗没拴绳到处跑",
        "谁家狗天天叫个不停",
        "有人养了条烈性犬还不戴嘴套",
        "电梯里又有狗尿",
        "大型犬散养在院子里冲人叫",
        "狗主人遛狗让狗随地大小便",
    ],
    "stray_dog": [
        "有好几条流浪狗成群乱窜",
        "流浪狗见人就叫还追人",
        "一窝流浪狗在那安了家",
        "野狗把垃圾桶翻得乱七八糟",
        "来了几条流浪犬，晚上一直叫",
        "流浪狗越来越多了，请求捕捉",
    ],
    "green_damage": [
        "有人把绿地挖了种菜",
        "草坪被铲了种上了葱和韭菜",
        "有人把树砍了",
        "绿化带被圈起来当菜园",
        "有人毁绿种菜，草都拔光了",
        "车直接开到草坪上停",
        "新栽的树苗被人拔了",
        "绿地被人踩出了一条路",
    ],
    "nonmotor_parking": [
        "电动车停得乱七八糟",
        "共享单车堆了一大片把路堵了",
        "自行车乱停乱放挡着门",
        "电动车都停在盲道上",
        "有人把电动车推进楼道充电",
        "一溜电动车堵着出口",
        "单车横七竖八倒了一地",
        "有人从楼上拉电线下来给电动车充电",
    ],
    "street_vending": [
        "有人摆摊卖菜占了半条路",
        "流动摊贩天天在那吆喝",
        "小商贩把人行道占满了",
        "饭店把桌子摆到店外面了",
        "卖水果的三轮车天天堵在那",
        "晚上全是夜市摊子",
        "有人开着货车在路边卖东西",
        "早点摊占道经营，垃圾扔一地",
    ],
    "outdoor_bbq": [
        "有人露天烧烤，烟全往楼上飘",
        "烧烤摊天天烤到半夜",
        "有人支炉子烤串，油烟呛人",
        "烧烤店把烤炉搬到外面烤",
        "一帮人在草地上烧烤喝酒",
        "露天烤串的炭火烟太大了",
    ],
    "illegal_ads": [
        "贴满了小广告",
        "墙上被人喷了办证电话",
        "有人挂了好几条广告横幅",
        "立了个大广告牌挡视线",
        "电梯里全是乱贴的广告",
        "到处塞传单，扔得满地都是",
        "有人在地上喷涂广告",
        "新装了个灯箱晃得人眼花",
    ],
    "ground_lock": [
        "有人私装了好几个地锁",
        "公共车位被人装了地桩",
        "有人放了石墩子占车位",
        "路边被焊了一排铁桩",
        "有人用水泥墩子占着公共车位",
        "又冒出来几个私人地锁",
        "地锁锁着车位一直不用",
    ],
    "live_poultry": [
        "有人当街杀鸡，鸡毛满地",
        "卖活禽的现场宰杀",
        "有人在路边杀鸭子，血水流一地",
        "活鸡活鸭摆了一路在卖",
        "有人在楼下宰杀活禽，气味很大",
        "杀鸡的把鸡毛内脏扔下水道",
    ],
    "construction_nuisance": [
        "工地半夜还在施工",
        "渣土车一路撒土",
        "工地扬尘太大，窗户都不敢开",
        "夜间打桩吵得没法睡",
        "工地凌晨还在浇混凝土",
        "拉土车把泥撒了一路",
        "施工噪音从早到晚不停",
        "工地不盖防尘网，刮风全是灰",
    ],
    "other": [
        "的井盖没了",
        "路灯坏了好几天一直不亮",
        "路面塌了一个大坑",
        "护栏倒了也没人修",
        "雨水篦子被压坏了",
        "有人挖开路面不回填",
        "井盖松动，车一压就响",
        "人行道地砖翘起来了",
        "施工围挡占道好久了也不撤",
    ],
}
URGENT = {
    "dog_nuisance": ["一条没拴绳的狗刚咬了小孩，腿上在流血", "有条大狗正追着一个老人咬"],
    "stray_dog": ["流浪狗正在追着孩子跑", "一条流浪狗刚咬了人，还在附近转"],
    "garbage": ["有人烧垃圾，火苗窜起来了，旁边就是车", "垃圾堆着火了，烟很大"],
    "outdoor_bbq": ["烧烤炭火把旁边的垃圾桶引着了"],
    "other": ["井盖没了，刚才有个孩子差点掉进去"],
}
URGENT_TAILS = ["，快来人！", "，赶紧来人！！", "，快来帮忙", "，现在还在"]

# Context flips: what the same words look like in messages no officer acts on.
OBJECTS = {
    "fire_lane_blocked": ["消防通道", "消防通道停车", "堵消防通道的车"],
    "illegal_construction": ["违建", "楼顶加盖", "私搭的棚子", "阳光房"],
    "clutter": ["楼道杂物", "门口那堆东西", "堆的建材"],
    "garbage": ["垃圾", "满溢的垃圾桶", "装修垃圾", "烧树叶"],
    "dog_nuisance": ["遛狗不牵绳", "狗叫扰民", "狗粪", "那条大狗"],
    "stray_dog": ["流浪狗", "野狗", "那窝流浪狗"],
    "green_damage": ["种菜那块地", "毁绿", "砍树"],
    "nonmotor_parking": ["乱停的电动车", "共享单车", "楼道充电"],
    "street_vending": ["摆摊的", "占道经营", "卖菜的三轮"],
    "outdoor_bbq": ["烧烤摊", "露天烧烤", "烤串的"],
    "illegal_ads": ["小广告", "横幅", "广告牌"],
    "ground_lock": ["地锁", "地桩", "石墩子"],
    "live_poultry": ["杀鸡的摊子", "活禽摊", "卖活鸡的"],
    "construction_nuisance": ["工地夜间施工", "渣土车", "工地扬尘"],
    "other": ["井盖", "路灯", "那个大坑", "倒了的护栏"],
}
SOLVED = [
    "{place}的{obj}已经处理好了，谢谢城管",
    "{obj}的问题解决了，点赞",
    "{place}的{obj}今天没有了，清净多了",
    "感谢执法队员，{obj}那事办得很利索",
    "{obj}终于没了，给工作站点个赞",
    "刚路过{place}，{obj}已经清理了",
    "{obj}那个事物业已经处理完了，大家别再发了",
    "现在{place}的{obj}管得挺好，比以前强多了",
    "{obj}的事城管昨天来处理了，效率挺高",
    "{place}那边{obj}的问题已经整改到位了",
    "跟大家说一声，{obj}已经解决了",
    "{obj}被清理掉了，{place}看着舒服多了",
    "今天看到执法队在{place}处理{obj}，大家放心吧",
    "{obj}这事不用再报了，已经有人管了",
]
STATUS = [
    "{when}报的{place}{obj}那个事，有人管了吗",
    "{place}{obj}的投诉，处理到哪一步了？",
    "请问{when}反映的{obj}，什么时候来处理",
    "{obj}那个工单怎么还没动静",
    "{when}投诉的{obj}有结果了吗",
    "帮忙催一下{place}{obj}那个单子",
    "{obj}那事都{days}了，到底处理不处理",
    "{when}在群里说的{obj}，城管看到了吗",
    "{obj}的工单显示已办结，可{place}还是老样子",
    "我{when}提交的{obj}投诉，有人联系我吗",
    "{obj}那个单子谁在跟进？",
    "想问问{obj}的处理进度",
    "{place}{obj}那件事，执法队员说{when}来，来了没",
    "上回反映的{obj}，后来咋样了",
]
WHEN = ["上周", "前天", "昨天", "上个月", "周一", "前几天", "上礼拜", "早上", "夜来", "大前天"]
DAYS = ["三天", "一个礼拜", "半个月", "一个多月"]
QUESTIONS = [
    "{obj}归谁管？城管还是物业",
    "{obj}这种情况一般怎么处罚？",
    "请问{obj}有什么规定吗",
    "有人知道{obj}该打哪个电话吗",
    "{obj}算不算城管的事？",
    "问一下，{obj}要怎么举报",
]
RULE_QUESTIONS = [
    "阿拉斯加这种大狗在小区养有限制吗？",
    "自家院子里搭个棚子需要审批吗",
    "楼道里放鞋柜算乱堆乱放吗？",
    "电动车可以停楼道里吗",
    "一楼院子里能种菜吗？不占公共绿地",
    "自己买的车位能不能装个车位锁",
    "装修垃圾应该扔哪里？",
    "烧烤店晚上开到几点不算扰民",
    "流浪狗该找谁来抓？城管还是救助站",
    "小区门口可以摆摊吗？想卖点手工",
    "乱贴小广告一般怎么罚？",
    "在阳台上养鸡犯法吗",
    "晚上几点以后不能施工？",
    "窨井盖松了这种事归哪个部门",
    "共享单车停哪里才不算乱停？",
    "消防通道能不能临时停一下车？",
    "违建怎么举报？打12345吗",
    "狗证在哪办？要带什么",
]
SALES = [
    "出售九成新电动车一辆，400元，需要的私聊",
    "烧烤炉转让，用过两次，30块自提",
    "团购狗粮，一袋一百，接龙",
    "出租地下车位，月租两百",
    "家里多的花盆和土，免费送，需要的来搬",
    "二手自行车便宜处理，50元",
    "新开烧烤店开业大酬宾，全场八折，欢迎邻居捧场",
    "老家散养土鸡，现杀现送，需要的联系",
    "收旧纸箱旧家电，上门回收，价格公道",
    "卖菜苗，辣椒茄子西红柿都有，两块一棵",
]
NOTICES = [
    "通知：本周六集中清理楼道杂物，请业主提前搬回家",
    "温馨提示：请勿在消防通道停车，谢谢配合",
    "提醒大家：遛狗请牵绳，及时清理狗粪",
    "【转发】全区启动拆违治乱百日攻坚",
    "新闻：全区今年查处占道经营三百余起",
    "社区通知：明天上午开展垃圾分类宣传，地点在小区广场",
    "物业通知：下周对地面车位重新划线，请车主配合",
    "网格员提醒：天干物燥，严禁焚烧树叶杂物",
    "城管执法工作站提示：露天烧烤将依法处罚",
    "转：关于规范电动车停放和充电的通告",
]
ELSEWHERE = [
    "听说隔壁小区{p}，咱们这还好",
    "新闻里说外地{p}，太可怕了",
    "以前咱们这{p}，现在好多了",
    "小时候老家{p}，习惯了",
    "刚看了个视频，{p}，笑死",
    "去年{p}，后来整治好了",
    "朋友说他们小区{p}，还是咱这管得好",
    "电视上报道{p}，城管都去处理了",
]
NON_URBAN = [
    "电梯又坏了，物业能不能管管",
    "物业费又涨了，凭什么",
    "暖气不热，找谁都推",
    "楼上漏水到我家，物业不管",
    "停水停了一整天，也没个通知",
    "孩子学校的事谁知道，学区怎么划",
    "公司拖欠工资两个月了，去哪投诉",
    "楼上天天半夜吵架摔东西，烦死了",
    "快递老丢，驿站也不管",
    "小区门禁老坏，保安也不管",
    "对门邻居老在门口抽烟，说了也不听",
    "物业保安天天玩手机，太不负责了",
    "停车费收得太贵了",
    "楼上小孩天天跑跳，吵得没法睡",
    "网络又断了，运营商电话打不通",
]


def _complaint(rng: random.Random, code: str) -> str:
    """One complaint of category `code`."""
    problem = rng.choice(PROBLEMS[code])
    place = rng.choice(PLACES)
    form = rng.random()
    if form < 0.5:
        body = place + problem
    elif form < 0.75:
        body = problem.lstrip("的") + "，就在" + place
    else:
        body = problem.lstrip("的")
    return rng.choice(OPENERS) + body + rng.choice(IMPACTS) + rng.choice(REQUESTS)


def _chatter(rng: random.Random, code: str) -> tuple[str, str]:
    """One context-flipped message about category `code`: (intent, text)."""
    obj, place = rng.choice(OBJECTS[code]), rng.choice(PLACES)
    kind = rng.random()
    if kind < 0.3:
        return "chatter", rng.choice(SOLVED).format(place=place, obj=obj)
    if kind < 0.45:
        p = rng.choice(PROBLEMS[code]).lstrip("的")
        return "chatter", rng.choice(ELSEWHERE).format(p=p)
    if kind < 0.6:
        return "chatter", rng.choice(QUESTIONS).format(obj=obj)
    tmpl = rng.choice(STATUS)
    return "status_query", tmpl.format(
        place=place, obj=obj, when=rng.choice(WHEN), days=rng.choice(DAYS)
    )


def generate(seed: int = SEED) -> list[tuple[str, str, bool, str]]:
    """(intent, category, urgent, text) rows, deterministic for a seed."""
    rng = random.Random(seed)
    rows, seen = [], set()
    for code in PROBLEMS:
        urgent = code == "fire_lane_blocked"
        for _ in range(PER_CATEGORY):
            rows.append(("complaint", code, urgent, _complaint(rng, code)))
        for text in URGENT.get(code, []):
            rows.append(
                ("complaint", code, True, rng.choice(PLACES) + text + rng.choice(URGENT_TAILS))
            )
        for _ in range(CHATTER_PER_CATEGORY):
            intent, text = _chatter(rng, code)
            rows.append((intent, "-", False, text))
    for pool in (RULE_QUESTIONS, SALES, NOTICES, NON_URBAN):
        rows += [("chatter", "-", False, t) for t in pool]
    return [r for r in rows if not (r[3] in seen or seen.add(r[3]))]


def main() -> None:
    """Write nlp/data/train/generated.tsv."""
    lines = [
        "# generated by `python -m nlp.augment`; edit the slots in nlp/augment.py, not this file"
    ]
    lines += [f"{i}\t{c}\t{int(u)}\t{t}" for i, c, u, t in generate()]
    OUT.write_text("\n".join(lines) + "\n", "utf-8")
    print(f"wrote {len(lines) - 1} rows to {OUT}")


if __name__ == "__main__":
    main()
